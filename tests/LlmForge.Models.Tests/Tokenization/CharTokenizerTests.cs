using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class CharTokenizerTests
{
    [Fact]
    public void FromCorpus_VocabularyIsSortedDistinctCharacters()
    {
        var tok = CharTokenizer.FromCorpus("hello world\n");
        Assert.Equal("\n dehlorw", tok.Characters);
        Assert.Equal(9, tok.VocabSize);
        Assert.Equal([4, 3, 5, 5, 6], tok.Encode("hello"));
        Assert.Equal("world", tok.Decode([8, 6, 7, 5, 2]));
        Assert.Null(tok.EndOfTextId);
        Assert.Empty(tok.SpecialTokens);
    }

    [Fact]
    public void CharactersAreCodePoints_SortedLikePython()
    {
        // Python: sorted(set("b😀a\uFFFD")) == ['a', 'b', '\ufffd', '😀'] (by code point, the emoji last).
        var tok = CharTokenizer.FromCorpus("b😀a\uFFFD");
        Assert.Equal(4, tok.VocabSize);
        Assert.Equal([3, 0], tok.Encode("😀a"));
        Assert.Equal("😀a", tok.Decode([3, 0]));
        Assert.Equal("😀"u8.ToArray(), tok.DecodeBytes([3]));
    }

    [Fact]
    public void Encode_UnknownCharacter_ThrowsNamingItAndItsIndex()
    {
        var tok = CharTokenizer.FromCorpus("abc ");
        var e = Assert.Throws<ArgumentException>(() => tok.Encode("ab cé"));
        Assert.Contains("'é' (U+00E9)", e.Message);
        Assert.Contains("index 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => tok.Encode("a\tb"));
        Assert.Contains("'\\t' (U+0009)", e.Message);
    }

    [Fact]
    public void Decode_IdOutsideTheVocabulary_Throws()
    {
        var tok = CharTokenizer.FromCorpus("abc");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tok.Decode([0, 3]));
        Assert.Contains("[0, 3)", e.Message);
    }

    [Fact]
    public void UnpairedSurrogateOrEmptyCorpus_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => CharTokenizer.FromCorpus("a\uD800"));
        Assert.Throws<ArgumentException>(() => CharTokenizer.FromCorpus(""));
    }

    [Fact]
    public void SaveAndLoad_RoundTrips()
    {
        using var dir = new TempDirectory();
        var tok = CharTokenizer.FromCorpus("First Citizen:\nBefore we proceed, \"hear\" me speak 😀.");
        tok.Save(dir.Path);

        Assert.Contains("\"type\": \"char\"", File.ReadAllText(dir.File("llmforge_char_tokenizer.json")));
        var loaded = Assert.IsType<CharTokenizer>(TokenizerFiles.Load(dir.Path));
        Assert.Equal(tok.Characters, loaded.Characters);
        Assert.Equal(tok.Encode("speak 😀\n"), loaded.Encode("speak 😀\n"));
    }
}
