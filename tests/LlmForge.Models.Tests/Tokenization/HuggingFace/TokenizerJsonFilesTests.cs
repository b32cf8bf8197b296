using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>A model directory with a tokenizers-library tokenizer.json loads through <see cref="TokenizerFiles.Load"/>.</summary>
public class TokenizerJsonFilesTests
{
    [Fact]
    public void Load_DirectoryWithTokenizerJson_ReadsIt_AndSaveWritesItBack()
    {
        using var dir = new TempDirectory();
        File.Copy(LearnedFixture.Path, dir.File("tokenizer.json"));
        var tokenizer = Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerFiles.Load(dir.Path));

        using var saved = new TempDirectory();
        tokenizer.Save(saved.Path);
        Assert.Equal(File.ReadAllBytes(LearnedFixture.Path), File.ReadAllBytes(saved.File("tokenizer.json")));
        string text = TokenizerJsonReferenceTests.MixedText();
        Assert.Equal(tokenizer.Encode(text), TokenizerFiles.Load(saved.Path).Encode(text));
    }

    [Fact]
    public void Load_QwenStyleDownload_PrefersTokenizerJsonOverItsVocabAndMerges()
    {
        // Qwen2 and SmolLM2 ship vocab.json + merges.txt too, but only tokenizer.json has their regex and added tokens.
        using var dir = new TempDirectory();
        var learned = Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerJson.Load(LearnedFixture.Path));
        new Gpt2Tokenizer(learned.Vocabulary, ReadMerges(), specialTokens: []).Save(dir.Path);
        File.Copy(LearnedFixture.Path, dir.File("tokenizer.json"));
        var loaded = Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerFiles.Load(dir.Path));
        Assert.Equal(learned.Encode("<|im_start|>user 123456"), loaded.Encode("<|im_start|>user 123456"));
    }

    [Fact]
    public void EncodeBytes_TextRunsAsText_OtherBytesRoundTrip()
    {
        var tokenizer = Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerJson.Load(LearnedFixture.Path));
        byte[] bytes = [.. "héllo <|im_end|> wörld"u8, 0xFF, 0xC3, .. " end"u8];
        var ids = tokenizer.EncodeBytes(bytes);
        Assert.Equal(bytes, tokenizer.DecodeBytes(ids));
        Assert.Contains(tokenizer.SpecialTokens["<|im_end|>"], ids);
        Assert.Equal(tokenizer.Encode("héllo <|im_end|> wörld"), ids.Take(tokenizer.Encode("héllo <|im_end|> wörld").Count));
    }

    [Fact]
    public void Decode_UnknownId_NamesIt()
    {
        var tokenizer = TokenizerJson.Load(LearnedFixture.Path);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([tokenizer.VocabSize]));
        Assert.Contains($"Token id {tokenizer.VocabSize}", e.Message);
    }

    private static List<(string, string)> ReadMerges()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(LearnedFixture.Path));
        return [.. doc.RootElement.GetProperty("model").GetProperty("merges").EnumerateArray().Select(m => (m[0].GetString()!, m[1].GetString()!))];
    }
}
