using System.Text.Json;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class Gpt2TokenizerFilesTests
{
    private static void Write(TempDirectory dir, string vocabFile, string mergesFile, Dictionary<string, int> vocab, IEnumerable<(string, string)> merges)
    {
        File.WriteAllText(dir.File(vocabFile), JsonSerializer.Serialize(vocab));
        File.WriteAllLines(dir.File(mergesFile), ["#version: 0.2", .. merges.Select(m => $"{m.Item1} {m.Item2}")]);
    }

    [Theory]
    [InlineData("vocab.json", "merges.txt")]
    [InlineData("encoder.json", "vocab.bpe")]
    public void FromDirectory_ReadsBothNamingConventions(string vocabFile, string mergesFile)
    {
        using var dir = new TempDirectory();
        var (vocab, merges) = TinyVocabulary.Build(("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w"));
        Write(dir, vocabFile, mergesFile, vocab, merges);

        var tok = Gpt2Tokenizer.FromDirectory(dir.Path);

        Assert.Equal(TinyVocabulary.Hello().Encode("hello world"), tok.Encode("hello world"));
        Assert.Equal(vocab.Count - 1, tok.EndOfTextId);
    }

    [Fact]
    public void Save_WritesHuggingFaceFilesThatLoadBackIdentically()
    {
        using var dir = new TempDirectory();
        var original = TinyVocabulary.Hello();
        original.Save(dir.Path);

        Assert.Equal("#version: 0.2", File.ReadLines(dir.File("merges.txt")).First());
        var loaded = Gpt2Tokenizer.FromDirectory(dir.Path);
        Assert.Equal(original.Vocabulary.OrderBy(kv => kv.Value), loaded.Vocabulary.OrderBy(kv => kv.Value));
        Assert.Equal(original.Merges, loaded.Merges);
        Assert.Equal(original.Encode("hello world<|endoftext|>"), loaded.Encode("hello world<|endoftext|>"));
    }

    [Fact]
    public void Save_OfGpt2_RoundTripsTheRealVocabulary()
    {
        using var dir = new TempDirectory();
        Gpt2Vocabulary.Tokenizer.Save(dir.Path);
        var loaded = TokenizerFiles.Load(dir.Path);
        Assert.Equal(50257, loaded.VocabSize);
        Assert.Equal([15496, 11, 314, 716, 50256], loaded.Encode("Hello, I am<|endoftext|>"));
    }

    [Fact]
    public void FromDirectory_WithOnlyOneFileOfAPair_NamesTheMissingFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vocab.json"), "{}");
        var e = Assert.Throws<FileNotFoundException>(() => Gpt2Tokenizer.FromDirectory(dir.Path));
        Assert.Contains("merges.txt", e.Message);

        using var other = new TempDirectory();
        File.WriteAllText(other.File("vocab.bpe"), "#version: 0.2\n");
        e = Assert.Throws<FileNotFoundException>(() => Gpt2Tokenizer.FromDirectory(other.Path));
        Assert.Contains("encoder.json", e.Message);
    }

    [Fact]
    public void FromDirectory_WithNoFiles_ListsTheExpectedNames()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => Gpt2Tokenizer.FromDirectory(dir.Path));
        Assert.Contains("vocab.json + merges.txt", e.Message);
        Assert.Contains("encoder.json + vocab.bpe", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Gpt2Tokenizer.FromDirectory(dir.File("nope")));
    }

    [Fact]
    public void MalformedMergesLine_IsReportedWithFileAndLine()
    {
        using var dir = new TempDirectory();
        var (vocab, _) = TinyVocabulary.Build();
        File.WriteAllText(dir.File("vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\nh e\nhe l l\n");
        var e = Assert.Throws<InvalidDataException>(() => Gpt2Tokenizer.FromDirectory(dir.Path));
        Assert.Contains("merges.txt", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void MergeOfUnknownToken_IsReportedWithBothFiles()
    {
        using var dir = new TempDirectory();
        var (vocab, _) = TinyVocabulary.Build();
        Write(dir, "vocab.json", "merges.txt", vocab, [("h", "e")]); // "he" is not in the vocabulary
        var e = Assert.Throws<InvalidDataException>(() => Gpt2Tokenizer.FromDirectory(dir.Path));
        Assert.Contains("vocab.json", e.Message);
        Assert.Contains("'he'", e.Message);
    }

    [Theory]
    [InlineData("{\"a\": 0,", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"a\": \"x\"}", "token 'a'")]
    [InlineData("{\"a\": 0, \"a\": 1}", "token 'a' appears twice")]
    public void BadVocabularyJson_IsReportedWithTheFile(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vocab.json"), json);
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\n");
        var e = Assert.Throws<InvalidDataException>(() => Gpt2Tokenizer.FromDirectory(dir.Path));
        Assert.Contains("vocab.json", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
