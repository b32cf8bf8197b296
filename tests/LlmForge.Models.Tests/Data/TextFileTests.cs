using System.Text;
using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public sealed class TextFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-textfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_ReturnsTheText_WithoutByteOrderMark()
    {
        string path = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(path, "First Citizen:\nBefore we proceed…\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("First Citizen:\nBefore we proceed…\n", TextFile.Read(path));
    }

    [Fact]
    public void MissingFile_NamesIt()
    {
        string path = Path.Combine(_dir, "nope.txt");
        var e = Assert.Throws<FileNotFoundException>(() => TextFile.Read(path));
        Assert.Contains($"'{path}' does not exist", e.Message);
        Assert.Contains("is a directory", Assert.Throws<FileNotFoundException>(() => TextFile.Read(_dir)).Message);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" \n\t\n", "is blank")]
    public void EmptyFile_NamesIt(string content, string expected)
    {
        string path = Path.Combine(_dir, "empty.txt");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => TextFile.Read(path));
        Assert.Contains($"'{path}' {expected}", e.Message);
    }

    [Fact]
    public void InvalidUtf8_NamesTheFile()
    {
        string path = Path.Combine(_dir, "latin1.txt");
        File.WriteAllBytes(path, [0x63, 0x61, 0x66, 0xE9, 0x0A]); // "café" in Latin-1
        var e = Assert.Throws<InvalidDataException>(() => TextFile.Read(path));
        Assert.Contains($"'{path}' is not valid UTF-8", e.Message);
    }

    [Fact]
    public void NoPath_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => TextFile.Read(" "));
    }
}
