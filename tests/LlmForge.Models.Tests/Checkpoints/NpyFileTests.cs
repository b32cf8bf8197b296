using System.Text;
using System.Text.Json;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class NpyFileTests
{
    private static string Npy(string name) => FixturePath.Of("npy", name);

    [Fact]
    public void RoundTrip_AllElementTypesAndShapes()
    {
        using var dir = new TempDirectory();
        AssertRoundTrip(dir.File("f.npy"), Enumerable.Range(0, 24).Select(i => i * 0.25f - 3f).ToArray(), [2, 3, 4]);
        AssertRoundTrip(dir.File("d.npy"), [1e300, -0.1, double.NaN], [3]);
        AssertRoundTrip(dir.File("i.npy"), [int.MinValue, 0, int.MaxValue, 7], [2, 2]);
        AssertRoundTrip(dir.File("l.npy"), [long.MinValue, 50256L], [1, 2]);
        AssertRoundTrip(dir.File("scalar.npy"), [2.5f], []);
        AssertRoundTrip(dir.File("empty.npy"), Array.Empty<float>(), [0, 4]);
    }

    private static void AssertRoundTrip<T>(string path, T[] data, int[] shape) where T : unmanaged
    {
        NpyFile.Write<T>(path, data, shape);
        NpyArray<T> read = NpyFile.Read<T>(path);
        Assert.Equal(shape, read.Shape);
        Assert.Equal(data, read.Data);
        Assert.Equal(0, NpyFile.ReadHeader(path).DataOffset % 64);
    }

    [Theory]
    [InlineData("i4_2x3.npy")]
    [InlineData("f4_scalar.npy")]
    [InlineData("f4_empty_0x4.npy")]
    [InlineData("f8_3.npy")]
    public void Write_IsByteIdenticalToNumpySave(string fixture)
    {
        using var dir = new TempDirectory();
        string path = dir.File(fixture);
        switch (fixture)
        {
            case "i4_2x3.npy":
                NpyFile.Write<int>(path, [-2, -1, 0, 1, 2, 3], [2, 3]);
                break;
            case "f4_scalar.npy":
                NpyFile.Write<float>(path, [-1.75f], []);
                break;
            case "f4_empty_0x4.npy":
                NpyFile.Write<float>(path, [], [0, 4]);
                break;
            default:
                NpyFile.Write<double>(path, [0.1, -2.0, 1e300], [3]);
                break;
        }

        Assert.Equal(File.ReadAllBytes(Npy(fixture)), File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadsNumpyWrittenFiles()
    {
        NpyArray<int> ints = NpyFile.Read<int>(Npy("i4_2x3.npy"));
        Assert.Equal([2, 3], ints.Shape);
        Assert.Equal([-2, -1, 0, 1, 2, 3], ints.Data);

        NpyArray<float> scalar = NpyFile.Read<float>(Npy("f4_scalar.npy"));
        Assert.Empty(scalar.Shape);
        Assert.Equal([-1.75f], scalar.Data);

        NpyArray<double> doubles = NpyFile.Read<double>(Npy("f8_3.npy"));
        Assert.Equal([0.1, -2.0, 1e300], doubles.Data);
        Assert.Equal([0, 4], NpyFile.Read<float>(Npy("f4_empty_0x4.npy")).Shape);
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("gpt2-tiny-tied")]
    public void ReadsTheReferenceLogitsAndInputIds(string fixture)
    {
        using var input = JsonDocument.Parse(File.ReadAllText(FixturePath.Of(fixture, "input.json")));
        long[] fromJson = input.RootElement.GetProperty("input_ids").EnumerateArray()
            .SelectMany(row => row.EnumerateArray()).Select(v => v.GetInt64()).ToArray();

        NpyArray<long> ids = NpyFile.Read<long>(FixturePath.Of(fixture, "input_ids.npy"));
        NpyArray<float> logits = NpyFile.Read<float>(FixturePath.Of(fixture, "logits.npy"));

        Assert.Equal([2, 11], ids.Shape);
        Assert.Equal(fromJson, ids.Data);
        GptConfig config = GptConfigJson.Load(FixturePath.Of(fixture, "config.json"));
        Assert.Equal([2, 11, config.VocabSize], logits.Shape);
        Assert.All(logits.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void HeaderText_IsNumpysDictPaddedTo64BytesEndingInNewline()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        NpyFile.Write<float>(path, new float[6], [2, 3]);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(128 + 6 * sizeof(float), bytes.Length); // 10-byte prefix + 118-byte dict = 128
        string header = Encoding.Latin1.GetString(bytes, 10, 118);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith(" \n", header);
    }

    [Theory]
    [InlineData("f4_fortran_2x3.npy", "Fortran")]
    [InlineData("f4_bigendian_3.npy", "big-endian")]
    [InlineData("i4_2x3.npy", "'<i4'")]
    public void UnsupportedNumpyFiles_AreRefused_NamingTheReason(string fixture, string expected)
    {
        var error = Assert.Throws<CheckpointFormatException>(() => NpyFile.Read<float>(Npy(fixture)));
        Assert.Contains(Npy(fixture), error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TruncatedData_IsRefused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("cut.npy");
        File.WriteAllBytes(path, File.ReadAllBytes(Npy("i4_2x3.npy"))[..^4]);

        var error = Assert.Throws<CheckpointFormatException>(() => NpyFile.Read<int>(path));
        Assert.Contains("needs 24 bytes of data, the file has 20", error.Message);
    }

    [Fact]
    public void NotAnNpyFile_IsRefused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.npy");
        File.WriteAllText(path, "this is not numpy data at all");

        var error = Assert.Throws<CheckpointFormatException>(() => NpyFile.Read<float>(path));
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void ShapeNotMatchingData_IsRefused()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => NpyFile.Write<float>(dir.File("x.npy"), new float[5], [2, 3]));
        Assert.Contains("[2, 3]", error.Message);
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void UnsupportedElementType_IsRefused()
    {
        using var dir = new TempDirectory();
        Assert.Throws<NotSupportedException>(() => NpyFile.Write<short>(dir.File("x.npy"), new short[1], [1]));
    }

    [Fact]
    public void ReadsFormatVersion2_AndHeaderQuirks()
    {
        // version 2.0 (u32 header length), double quotes, keys in another order, a Python 2 long
        string dict = "{\"shape\": (3L,), \"fortran_order\": False, \"descr\": \"<i4\"}";
        int headerLength = (12 + dict.Length + 1 + 63) / 64 * 64 - 12;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        bytes.AddRange(BitConverter.GetBytes(headerLength));
        bytes.AddRange(Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1) + "\n"));
        foreach (int v in new[] { 7, -8, 9 })
        {
            bytes.AddRange(BitConverter.GetBytes(v));
        }
        using var dir = new TempDirectory();
        string path = dir.File("v2.npy");
        File.WriteAllBytes(path, bytes.ToArray());

        NpyArray<int> read = NpyFile.Read<int>(path);

        Assert.Equal([3], read.Shape);
        Assert.Equal([7, -8, 9], read.Data);
        NpyHeader header = NpyFile.ReadHeader(path);
        Assert.Equal("<i4", header.Descr);
        Assert.False(header.FortranOrder);
        Assert.Equal(12 + headerLength, header.DataOffset);
    }
}
