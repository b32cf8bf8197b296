using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class SafeTensorsWriterTests
{
    private static (string, int[], ReadOnlyMemory<float>) T(string name, int[] shape, params float[] data) => (name, shape, data);

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static float[] Ramp(int n, float scale) => Enumerable.Range(0, n).Select(i => (i - n / 2) * scale).ToArray();

    [Fact]
    public void RoundTrip_PreservesNamesShapesValuesAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var tensors = new[]
        {
            T("b.weight", [2, 3, 4], Ramp(24, 0.37f)),
            T("a.bias", [5], 1f, float.NegativeInfinity, float.NaN, -0f, float.Epsilon),
            T("empty", [0, 7]),
            T("scalar", [], 3.5f),
            T("odd", [3], 1f, 2f, 3f), // 12 bytes: the next tensor starts unaligned, as the format allows
            T("after.odd", [1, 1], -8f),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo \"quoted\"" };

        SafeTensorsWriter.Write(path, tensors, metadata);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(tensors.Select(t => t.Item1), file.Entries.Select(e => e.Name)); // data in the order given
        foreach (var (name, shape, data) in tensors)
        {
            SafeTensorsEntry entry = file.GetEntry(name);
            Assert.Equal(SafeTensorsDType.F32, entry.DType);
            Assert.Equal(shape, entry.Shape);
            Assert.Equal(Bits(data.ToArray()), Bits(file.ReadFloat32(name))); // bit-exact, NaN and -0 included
        }
        Assert.Equal(metadata, file.Metadata);
    }

    [Fact]
    public void Layout_FollowsTheSpec_HeaderSpacePaddedToEightBytes_DataDenselyPacked()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.safetensors");
        SafeTensorsWriter.Write(path, [T("w", [2], 1f, 2f), T("v", [1], 3f)], new Dictionary<string, string> { ["k"] = "v" });

        byte[] bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 3 * sizeof(float), bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{", header);
        Assert.Matches("^[^ ]*} *$", header);

        using JsonDocument json = JsonDocument.Parse(header);
        Assert.Equal("v", json.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
        JsonElement w = json.RootElement.GetProperty("w");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal([0, 8], w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([8, 12], json.RootElement.GetProperty("v").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3f, BitConverter.ToSingle(bytes, (int)(8 + n + 8)));
    }

    [Fact]
    public void NoTensors_WritesAnEmptyHeader()
    {
        using var dir = new TempDirectory();
        string path = dir.File("none.safetensors");

        SafeTensorsWriter.Write(path, []);

        using var file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Entries);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void EnumerableThrowingMidway_LeavesTheOldFileIntact()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafeTensorsWriter.Write(path, [T("old", [1], 42f)]);
        byte[] before = File.ReadAllBytes(path);

        static IEnumerable<(string, int[], ReadOnlyMemory<float>)> Failing()
        {
            yield return T("new", [1], 1f);
            throw new IOException("device lost");
        }

        Assert.Throws<IOException>(() => SafeTensorsWriter.Write(path, Failing()));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void DataLengthNotMatchingShape_ThrowsNamingTheTensor_AndLeavesTheOldFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafeTensorsWriter.Write(path, [T("old", [1], 42f)]);

        var error = Assert.Throws<ArgumentException>(() =>
            SafeTensorsWriter.Write(path, [T("ok", [1], 1f), T("h.0.attn.c_attn.weight", [2, 3], 1f, 2f)]));

        Assert.Contains("'h.0.attn.c_attn.weight'", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["old"], file.Entries.Select(e => e.Name));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Theory]
    [InlineData("dup", "given twice")]
    [InlineData("__metadata__", "reserved")]
    [InlineData("", "empty name")]
    public void InvalidNames_AreRefused(string name, string expected)
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() =>
            SafeTensorsWriter.Write(dir.File("x.safetensors"), [T("dup", [1], 1f), T(name, [1], 2f)]));
        Assert.Contains(expected, error.Message);
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void NegativeDimension_IsRefused()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(dir.File("x.safetensors"), [T("t", [-1])]));
        Assert.Contains("'t'", error.Message);
    }
}
