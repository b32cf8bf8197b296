using System.Text.Json;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class WordPieceTokenizerTests
{
    private static string FixtureDirectory => FixturePath.Of("wordpiece");

    private static IReadOnlyList<string> FixtureVocabulary() =>
        WordPieceTokenizerFiles.ReadVocabulary(Path.Combine(FixtureDirectory, "vocab.txt"));

    private static JsonElement Cases(string key)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixtureDirectory, "cases.json")));
        return doc.RootElement.GetProperty(key).Clone();
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>
    /// Every edge case of tools/reference/wordpiece_reference.py (a Python BertTokenizer: Python's own Unicode
    /// tables, str.lower and str.split) in four settings of do_lower_case / strip_accents: tokens, ids and decode.
    /// </summary>
    [Fact]
    public void Encode_MatchesThePythonReferenceOnEveryEdgeCase()
    {
        var vocab = FixtureVocabulary();
        var failures = new List<string>();
        int count = 0;
        foreach (var c in Cases("cases").EnumerateArray())
        {
            bool lower = c.GetProperty("do_lower_case").GetBoolean();
            bool? strip = c.GetProperty("strip_accents").ValueKind == JsonValueKind.Null ? null : c.GetProperty("strip_accents").GetBoolean();
            var tok = new WordPieceTokenizer(vocab, lower, strip);
            string text = c.GetProperty("text").GetString()!;
            string[] expected = [.. c.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!)];
            var ids = tok.Encode(text);
            string[] actual = [.. tok.Tokenize(text)];
            if (!expected.SequenceEqual(actual) || !Ints(c.GetProperty("ids")).SequenceEqual(ids))
                failures.Add($"lower={lower} strip={strip} {JsonSerializer.Serialize(text)}: expected [{string.Join(" ", expected)}], got [{string.Join(" ", actual)}]");
            else if (tok.Decode(ids) != c.GetProperty("decoded").GetString()
                     || tok.Decode(ids, skipSpecialTokens: true) != c.GetProperty("decoded_skip_special").GetString())
                failures.Add($"decode {JsonSerializer.Serialize(text)}: got {JsonSerializer.Serialize(tok.Decode(ids))}");
            count++;
        }
        Assert.True(count >= 100, $"only {count} cases in the fixture");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EncodeForModel_MatchesThePythonReferenceOnPairsTruncationAndPadding()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary());
        foreach (var c in Cases("pairs").EnumerateArray())
        {
            string? pair = c.GetProperty("text_pair").ValueKind == JsonValueKind.Null ? null : c.GetProperty("text_pair").GetString();
            int? max = c.GetProperty("max_length").ValueKind == JsonValueKind.Null ? null : c.GetProperty("max_length").GetInt32();
            var e = tok.EncodeForModel(c.GetProperty("text").GetString()!, pair, max, c.GetProperty("pad_to_max_length").GetBoolean());
            Assert.Equal(Ints(c.GetProperty("input_ids")), e.InputIds);
            Assert.Equal(Ints(c.GetProperty("token_type_ids")), e.TokenTypeIds);
            Assert.Equal(Ints(c.GetProperty("attention_mask")), e.AttentionMask);
        }
    }

    [Fact]
    public void EncodeForModel_PairHasTokenTypesAndSeparators()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary());
        var e = tok.EncodeForModel("hello world", "how are you", maxLength: 12, padToMaxLength: true);
        Assert.Equal(["[CLS]", "hello", "world", "[SEP]", "how", "are", "you", "[SEP]", "[PAD]", "[PAD]", "[PAD]", "[PAD]"],
            e.InputIds.Select(tok.TokenOf));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], e.TokenTypeIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], e.AttentionMask);
    }

    [Fact]
    public void EncodeBatch_PadsToTheLongestRow()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary());
        var batch = tok.EncodeBatch(["hello", "hello world the"]);
        Assert.Equal((2, 5), (batch.Batch, batch.SequenceLength));
        Assert.Equal([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], batch.AttentionMask);
        Assert.Equal(tok.PaddingId, batch.InputIds[4]);
    }

    [Fact]
    public void EncodeForModel_MaxLengthWithoutRoomForText_Throws()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tok.EncodeForModel("a", "b", maxLength: 3));
        Assert.Contains("3 special tokens", e.Message);
    }

    [Fact]
    public void Encode_WithoutSpecialTokens_SpellsTheirText()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary());
        Assert.Equal(["[", "mask", "]"], tok.Tokenize("[MASK]", allowSpecialTokens: false));
        Assert.Equal(["[MASK]"], tok.Tokenize("[MASK]"));
    }

    [Fact]
    public void Constructor_MissingSpecialToken_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"]));
        Assert.Contains("'[MASK]'", e.Message);
    }

    [Fact]
    public void SaveAndLoad_RoundTripsVocabularyAndSettings()
    {
        using var dir = new TempDirectory();
        var tok = new WordPieceTokenizer(FixtureVocabulary(), lowerCase: false, stripAccents: true);
        tok.Save(dir.Path);
        var loaded = Assert.IsType<WordPieceTokenizer>(TokenizerFiles.Load(dir.Path));
        Assert.Equal(tok.Vocabulary, loaded.Vocabulary);
        Assert.False(loaded.LowerCase);
        Assert.True(loaded.Basic.StripAccents);
        Assert.Equal(tok.Encode("Héllo Café"), loaded.Encode("Héllo Café"));
        Assert.Equal(["tokenizer_config.json", "vocab.txt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Load_WithoutConfig_UsesBertDefaults_AndReadsAddedTokenObjects()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), ["<pad>", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello"]);
        var e = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.FromDirectory(dir.Path));
        Assert.Contains("'[PAD]'", e.Message);
        Assert.Contains("vocab.txt", e.Message);

        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": true, "pad_token": {"content": "<pad>", "lstrip": false}}""");
        var tok = WordPieceTokenizer.FromDirectory(dir.Path);
        Assert.Equal(0, tok.PaddingId);
        Assert.Equal([5], tok.Encode("HELLO"));
    }

    [Theory]
    [InlineData("""{"do_lower_case": "yes"}""", "\"do_lower_case\"")]
    [InlineData("""{"mask_token": 3}""", "\"mask_token\"")]
    [InlineData("""[1]""", "JSON object")]
    [InlineData("""{""", "not valid JSON")]
    public void Load_BadConfig_NamesTheFileAndKey(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), WordPieceSpecialTokens.Default.All);
        File.WriteAllText(dir.File("tokenizer_config.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.FromDirectory(dir.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("tokenizer_config.json", e.Message);
    }

    [Fact]
    public void Load_DuplicateVocabularyLine_NamesBothLines()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "a", "[UNK]", "a"]);
        var e = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.FromDirectory(dir.Path));
        Assert.Contains("line 4 repeats the token 'a' of line 2", e.Message);
    }

    [Fact]
    public void Encode_LongWord_IsUnknownPastMaxInputChars()
    {
        var tok = new WordPieceTokenizer(FixtureVocabulary(), maxInputCharsPerWord: 3);
        Assert.Equal(["x", "##x", "##x"], tok.Tokenize("xxx"));
        Assert.Equal(["[UNK]"], tok.Tokenize("xxxx"));
    }
}
