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

/// <summary>Strict reading names where the bytes that are not UTF-8 are; ReadBytes keeps them for byte-level tokenizers.</summary>
public sealed class TextFileOffsetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-textfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_dir, "text.txt");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x0A, 0x62, 0xFF, 0x63 }, "byte offset 3 (line 2) holds 0xFF")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x61, 0xE2, 0x82 }, "byte offset 4 (line 1) holds 0xE2 0x82")]   // after a BOM: file offsets; cut at the end
    [InlineData(new byte[] { 0x61, 0xED, 0xA0, 0x80, 0x0A }, "byte offset 1 (line 1) holds 0xED")]             // a lone surrogate's encoding
    public void Invalid_utf8_names_the_file_offset_line_and_bytes(byte[] bytes, string expected)
    {
        string path = Write(bytes);
        var e = Assert.Throws<InvalidDataException>(() => TextFile.Read(path));
        Assert.Contains($"Corpus file '{path}' is not valid UTF-8 text: {expected}", e.Message);
        e = Assert.Throws<InvalidDataException>(() => TextFile.Read(path, "Text file", allowEmpty: true));
        Assert.StartsWith($"Text file '{path}'", e.Message);
    }

    [Fact]
    public void The_offset_is_right_far_into_a_large_file()
    {
        byte[] bytes = [.. Enumerable.Repeat<byte>((byte)'x', 100_000), 0x0A, .. "€"u8, 0xC3];
        var e = Assert.Throws<InvalidDataException>(() => TextFile.Read(Write(bytes)));
        Assert.Contains("byte offset 100004 (line 2) holds 0xC3", e.Message);
    }

    [Fact]
    public void ReadBytes_keeps_every_byte_but_the_byte_order_mark()
    {
        byte[] content = [0x61, 0xFF, 0xED, 0xA0, 0x80, 0xC0, 0x80, 0x0A];
        Assert.Equal(content, TextFile.ReadBytes(Write(content)));
        Assert.Equal(content, TextFile.ReadBytes(Write([0xEF, 0xBB, 0xBF, .. content])));
    }

    [Fact]
    public void A_utf16_file_is_read_as_its_text_both_ways()
    {
        string path = Path.Combine(_dir, "utf16.txt");
        File.WriteAllText(path, "héllo 😀\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        Assert.Equal("héllo 😀\n", TextFile.Read(path));
        Assert.Equal(Encoding.UTF8.GetBytes("héllo 😀\n"), TextFile.ReadBytes(path));
    }

    [Fact]
    public void Empty_is_allowed_when_asked_and_invalid_bytes_are_not_blank()
    {
        string path = Write([]);
        Assert.Equal("", TextFile.Read(path, "Text file", allowEmpty: true));
        Assert.Empty(TextFile.ReadBytes(path, "Text file", allowEmpty: true));
        Assert.Equal([0x20, 0xFF], TextFile.ReadBytes(Write([0x20, 0xFF])));
    }
}
