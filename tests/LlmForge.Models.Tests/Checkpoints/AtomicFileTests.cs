using System.Text;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class AtomicFileTests
{
    [Fact]
    public void Commit_ReplacesTheFile_AndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("state.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        using (var file = AtomicFile.Create(path))
        {
            file.Stream.Write([9, 8]);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(path)); // not visible before the commit
            file.Commit();
        }

        Assert.Equal([9, 8], File.ReadAllBytes(path));
        Assert.Equal(["state.bin"], dir.FileNames());
    }

    [Fact]
    public void ExceptionMidWrite_LeavesTheOldFileIntact_AndDeletesTheTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("config.json");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("new, half-written"));
            stream.Flush();
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal("disk on fire", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["config.json"], dir.FileNames());
    }

    [Fact]
    public void DisposeWithoutCommit_CreatesNothing()
    {
        using var dir = new TempDirectory();
        string path = dir.File("new.bin");

        using (var file = AtomicFile.Create(path))
        {
            file.Stream.Write([1]);
            Assert.True(File.Exists(file.TempPath));
            Assert.Equal(dir.Path, Path.GetDirectoryName(file.TempPath)); // same directory: rename stays atomic
        }

        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void WriteAllText_WritesUtf8WithoutByteOrderMark()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.txt");

        AtomicFile.WriteAllText(path, "héllo");

        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), File.ReadAllBytes(path));
    }

    [Fact]
    public void StreamAfterCommit_IsRefused()
    {
        using var dir = new TempDirectory();
        using var file = AtomicFile.Create(dir.File("x"));
        file.Commit();

        Assert.Throws<ObjectDisposedException>(() => file.Stream);
        Assert.Throws<ObjectDisposedException>(file.Commit);
    }
}
