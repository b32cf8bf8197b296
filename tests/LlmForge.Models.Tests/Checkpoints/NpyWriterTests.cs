using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class NpyWriterTests
{
    [Fact]
    public void Pieces_make_the_file_NpyFile_Write_makes()
    {
        using var dir = new TempDirectory();
        float[] data = [.. Enumerable.Range(0, 24).Select(i => i * 0.5f - 3)];
        NpyFile.Write<float>(dir.File("whole.npy"), data, [2, 3, 4]);
        using (var npy = NpyWriter<float>.Create(dir.File("pieces.npy"), [2, 3, 4]))
        {
            npy.Write(data.AsSpan(0, 5));
            npy.Write(data.AsSpan(5, 12));
            npy.Write(data.AsSpan(17));
            npy.Commit();
        }
        Assert.Equal(File.ReadAllBytes(dir.File("whole.npy")), File.ReadAllBytes(dir.File("pieces.npy")));
        Assert.Equal(data, NpyFile.Read<float>(dir.File("pieces.npy")).Data);
    }

    [Fact]
    public void Too_few_or_too_many_values_leave_no_file()
    {
        using var dir = new TempDirectory();
        using (var npy = NpyWriter<float>.Create(dir.File("short.npy"), [2, 3]))
        {
            npy.Write(new float[5]);
            Assert.Contains("5 values written, the shape holds 6", Assert.Throws<InvalidOperationException>(npy.Commit).Message);
            Assert.Throws<ArgumentException>(() => npy.Write(new float[2]));
        }
        using (var npy = NpyWriter<float>.Create(dir.File("unfinished.npy"), [4])) npy.Write(new float[4]); // never committed
        Assert.Empty(dir.FileNames());
    }
}
