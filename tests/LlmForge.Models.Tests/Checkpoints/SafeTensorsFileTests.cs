using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class SafeTensorsFileTests
{
    private static string Dtypes => FixturePath.Of("safetensors", "dtypes.safetensors");

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("gpt2-tiny-tied")]
    public void ReadsPythonWrittenModel_NamesShapesAndChecksumsMatchPython(string fixture)
    {
        using var stats = JsonDocument.Parse(File.ReadAllText(FixturePath.Of(fixture, "model_stats.json")));
        using var file = SafeTensorsFile.Open(FixturePath.Of(fixture, "model.safetensors"));

        Assert.Equal("pt", file.Metadata["format"]);
        var expectedNames = stats.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(expectedNames, file.Entries.Select(e => e.Name)); // python wrote them in this order
        foreach (JsonProperty tensor in stats.RootElement.EnumerateObject())
        {
            SafeTensorsEntry entry = file.GetEntry(tensor.Name);
            Assert.Equal(tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), entry.Shape);
            float[] data = file.ReadFloat32(tensor.Name);
            double sum = data.Sum(v => (double)v), sumSq = data.Sum(v => (double)v * v);
            Assert.Equal(tensor.Value.GetProperty("sum").GetDouble(), sum, 1e-9);
            Assert.Equal(tensor.Value.GetProperty("sum_of_squares").GetDouble(), sumSq, 1e-9);
        }
    }

    [Theory]
    [InlineData("f64")]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("bf16")]
    public void ConvertsEachFloatDType_ExactlyAsTorchDoes(string name)
    {
        using var file = SafeTensorsFile.Open(Dtypes);

        float[] converted = file.ReadFloat32(name);
        float[] torch = file.ReadFloat32(name + "_as_f32"); // torch's own .float() of the same tensor

        Assert.Equal(file.GetEntry(name + "_as_f32").Shape, file.GetEntry(name).Shape);
        Assert.Equal(torch.Select(BitConverter.SingleToInt32Bits), converted.Select(BitConverter.SingleToInt32Bits));
        Assert.Contains(converted, float.IsNaN); // the fixture holds NaN, ±inf, -0 and subnormals
    }

    [Fact]
    public void ReadsDTypesShapesAndMetadata_OfPythonWrittenFile()
    {
        using var file = SafeTensorsFile.Open(Dtypes);

        Assert.Equal(SafeTensorsDType.BF16, file.GetEntry("bf16").DType);
        Assert.Equal(SafeTensorsDType.F16, file.GetEntry("f16").DType);
        Assert.Equal([4, 8], file.GetEntry("f32").Shape);
        Assert.Equal([0, 3], file.GetEntry("empty").Shape);
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Empty(file.GetEntry("scalar").Shape);
        Assert.Equal([4.25f], file.ReadFloat32("scalar"));
        Assert.Equal("gpt2_reference.py", file.Metadata["source"]);
    }

    [Fact]
    public void IntegerTensor_CannotBeReadAsFloat_ErrorNamesFileAndTensor()
    {
        using var file = SafeTensorsFile.Open(Dtypes);

        var error = Assert.Throws<CheckpointFormatException>(() => file.ReadFloat32("i64"));

        Assert.Contains(Dtypes, error.Message);
        Assert.Contains("'i64'", error.Message);
        Assert.Contains("I64", error.Message);
    }

    [Fact]
    public void ReadInto_FillsTheSpan_AndRefusesAWrongLength()
    {
        using var file = SafeTensorsFile.Open(Dtypes);
        var buffer = new float[32];

        file.ReadInto("f32", buffer);
        Assert.Equal(file.ReadFloat32("f32_as_f32"), buffer);

        var error = Assert.Throws<ArgumentException>(() => file.ReadInto("f32", new float[31]));
        Assert.Contains("'f32'", error.Message);
        Assert.Contains("31", error.Message);
    }

    [Fact]
    public void UnknownTensorName_ThrowsNamingFileAndTensor()
    {
        using var file = SafeTensorsFile.Open(Dtypes);

        var error = Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("lm_head.weight"));

        Assert.Contains(Dtypes, error.Message);
        Assert.Contains("'lm_head.weight'", error.Message);
        Assert.False(file.Contains("lm_head.weight"));
        Assert.True(file.TryGetEntry("f16", out _));
    }

    [Theory]
    [InlineData(SafeTensorsDType.F16)]
    [InlineData(SafeTensorsDType.BF16)]
    [InlineData(SafeTensorsDType.F64)]
    public void ConvertsTensorsLargerThanOneChunk(SafeTensorsDType dtype)
    {
        const int n = 50_001; // > 64 KB of 2-byte elements, not a multiple of the chunk
        float[] expected = Enumerable.Range(0, n).Select(i => MathF.Sin(i) * (i % 97)).ToArray();
        int size = dtype.ElementSize();
        byte[] data = new byte[n * size];
        for (int i = 0; i < n; i++)
        {
            switch (dtype)
            {
                case SafeTensorsDType.F16:
                    expected[i] = (float)(Half)expected[i];
                    BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2 * i), (Half)expected[i]);
                    break;
                case SafeTensorsDType.BF16:
                    uint bits = BitConverter.SingleToUInt32Bits(expected[i]) & 0xFFFF0000u; // truncate to bf16
                    expected[i] = BitConverter.UInt32BitsToSingle(bits);
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)(bits >> 16));
                    break;
                default:
                    BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), expected[i]);
                    break;
            }
        }
        using var dir = new TempDirectory();
        string path = dir.File("big.safetensors");
        WriteRaw(path, $$$"""{"t":{"dtype":"{{{dtype.ToHeaderName()}}}","shape":[{{{n}}}],"data_offsets":[0,{{{data.Length}}}]}}""", data);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(expected, file.ReadFloat32("t"));
    }

    // ------------------------------------------------------------------ corrupted files

    [Fact]
    public void TruncatedFile_ErrorNamesFileAndTheTensorCutOff()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        byte[] bytes = File.ReadAllBytes(FixturePath.Of("gpt2-tiny", "model.safetensors"));
        File.WriteAllBytes(path, bytes[..^10]);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("'lm_head.weight'", error.Message); // the last tensor in the file
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(1_000_000L)]
    [InlineData(-1L)] // 2^64 - 1 as u64
    public void HeaderLengthBeyondTheFile_IsRefused(long headerLength)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, headerLength);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void FileShorterThanTheLengthPrefix_IsRefused()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("too short", error.Message);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "'a' [0, 8] and 'b' [4, 12] overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "bytes [0, 4)")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, "4 trailing bytes")]
    [InlineData("""{"a":{"dtype":"F99","shape":[2],"data_offsets":[0,8]}}""", 8, "tensor 'a': unknown dtype \"F99\"")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "tensor 'a': data_offsets [0, 8] hold 8 bytes, but F32 [3] needs 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "tensor 'a': data_offsets [8, 0] end before")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "tensor 'a': \"shape\" must hold non-negative integers")]
    [InlineData("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", 8, "tensor 'a': missing or non-array \"shape\"")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", 8, "tensor 'a': \"data_offsets\" must have 2 values")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}""", 8, "lists 'a' twice")]
    [InlineData("""{"__metadata__":{"format":1}}""", 0, "'__metadata__' key 'format' must have a string value")]
    [InlineData("""{"a":{"dtype":"F32",""", 8, "not valid JSON")]
    [InlineData("""[1,2]""", 0, "must be a JSON object")]
    public void InvalidHeaders_AreRefused_WithAMessageNamingFileAndTensor(string header, int dataBytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        WriteRaw(path, header, new byte[dataBytes]);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ReadingAfterDispose_IsRefused()
    {
        var file = SafeTensorsFile.Open(Dtypes);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.ReadFloat32("f32"));
    }

    /// <summary>A safetensors file with a hand-written header (unpadded) and data buffer.</summary>
    internal static void WriteRaw(string path, string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(path, bytes);
    }
}
