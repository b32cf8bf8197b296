using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class TokenizerFilesTests
{
    [Fact]
    public void Load_PicksTheTokenizerTheDirectoryHolds()
    {
        using var chars = new TempDirectory();
        CharTokenizer.FromCorpus("abc").Save(chars.Path);
        Assert.IsType<CharTokenizer>(TokenizerFiles.Load(chars.Path));

        using var bpe = new TempDirectory();
        TinyVocabulary.Hello().Save(bpe.Path);
        Assert.IsType<Gpt2Tokenizer>(TokenizerFiles.Load(bpe.Path));
    }

    [Fact]
    public void Load_HuggingFaceDownload_ReadsVocabAndMergesBesideItsTokenizersLibraryFile()
    {
        using var dir = new TempDirectory();
        TinyVocabulary.Hello().Save(dir.Path);
        File.WriteAllText(dir.File("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}");
        Assert.Equal(TinyVocabulary.Hello().Encode("hello"), TokenizerFiles.Load(dir.Path).Encode("hello"));
    }

    [Fact]
    public void Load_EmptyDirectory_NamesEveryExpectedFile()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => TokenizerFiles.Load(dir.Path));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("vocab.json + merges.txt", e.Message);
    }

    [Theory]
    [InlineData("{\"type\": \"bpe\"}", "\"type\": \"bpe\"")]
    [InlineData("{\"type\": \"char\"}", "\"chars\"")]
    [InlineData("{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}", "Hugging Face tokenizers file")]
    [InlineData("{\"type\": \"char\", \"chars\": \"\"}", "at least one character")]
    [InlineData("not json", "not valid JSON")]
    public void Load_BadTokenizerJson_SaysWhatIsWrong(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }
}
