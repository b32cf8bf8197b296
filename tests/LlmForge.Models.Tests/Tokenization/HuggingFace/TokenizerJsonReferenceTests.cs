using System.Text.Json.Nodes;
using LlmForge.Tokenization;
using Xunit;
using static LlmForge.Tests.Tokenization.HuggingFace.TokenizerJsonFixture;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>
/// <see cref="HuggingFaceBpeTokenizer"/> against the Rust tokenizers library (<see cref="ReferenceTokenizer"/>) on the
/// same tokenizer.json: equal ids on a mixed text (English, code, digits, whitespace runs, emoji, CJK, accents, astral
/// letters, special tokens) for the pre-tokenizers real models ship, and decoding back to the text.
/// </summary>
public class TokenizerJsonReferenceTests
{
    /// <summary>The tokenizer tests' multilingual text plus ChatML turns, emoji glued to letters, long digit runs.</summary>
    internal static string MixedText()
    {
        string multilingual = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "multilingual.txt"));
        return multilingual +
            "\n<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWhat's 1234567 + 89?<|im_end|>\n<|im_start|>assistant\n" +
            "😀abc 🎉Hello x😀y 𝐀𝐁𝐂c 𝟏𝟐3 ab12345cd   \n\n  \t end<|im_end|>It's I'M DON'T\r\n\r\n" +
            "def f(x):\n    return x**2  # square\n\n\nprint(f(3))\n";
    }

    private static Dictionary<string, int> Gpt2Vocab() => new(Gpt2Vocabulary.Tokenizer.Vocabulary);

    private static IReadOnlyList<(string, string)> Gpt2Merges() => Gpt2Vocabulary.Tokenizer.Merges;

    public static TheoryData<string> Gpt2Layouts() =>
    [
        "gpt2",           // GPT-2's own tokenizer.json: ByteLevel with its regex, "a b" merges
        "llama3",         // Llama 3: Split regex (digits by 3) + ByteLevel without regex, [a, b] merges, ignore_merges
        "qwen2",          // Qwen2: Split regex (single digits) + ByteLevel, NFC
        "smollm2",        // SmolLM2: Digits (individual) + ByteLevel with its regex
        "prefix-space",   // ByteLevel with add_prefix_space
        "digit-runs",     // Digits (contiguous) + ByteLevel
    ];

    private static string WriteGpt2Layout(string directory, string layout) => layout switch
    {
        "gpt2" => Write(directory, Gpt2Vocab(), Gpt2Merges(), ByteLevel(), ["<|endoftext|>"]),
        "llama3" => Write(directory, Gpt2Vocab(), Gpt2Merges(), Sequence(Split(Llama3Regex), ByteLevel(useRegex: false)), ChatMl,
            mergesAsPairs: true, ignoreMerges: true),
        "qwen2" => Write(directory, Gpt2Vocab(), Gpt2Merges(), Sequence(Split(Qwen2Regex), ByteLevel(useRegex: false)), ChatMl,
            normalizer: new JsonObject { ["type"] = "NFC" }),
        "smollm2" => Write(directory, Gpt2Vocab(), Gpt2Merges(), Sequence(Digits(individual: true), ByteLevel()), ChatMl),
        "prefix-space" => Write(directory, Gpt2Vocab(), Gpt2Merges(), ByteLevel(addPrefixSpace: true), ChatMl),
        "digit-runs" => Write(directory, Gpt2Vocab(), Gpt2Merges(), Sequence(Digits(individual: false), ByteLevel()), ChatMl),
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    [Theory]
    [MemberData(nameof(Gpt2Layouts))]
    public void Gpt2Vocabulary_EveryPreTokenizerLayout_GivesTheReferenceIds(string layout)
    {
        using var dir = new TempDirectory();
        string path = WriteGpt2Layout(dir.Path, layout);
        string text = MixedText();
        var ours = TokenizerJson.Load(path);

        int[] expected = ReferenceTokenizer.Encode(path, text);
        Assert.Equal(expected, ours.Encode(text));
        if (layout is not ("prefix-space" or "qwen2")) // which add spaces / compose accents (NFC)
            Assert.Equal(text, ours.Decode(expected));
    }

    [Fact]
    public void Gpt2TokenizerJson_GivesGpt2TokenizersIds()
    {
        using var dir = new TempDirectory();
        var ours = TokenizerJson.Load(WriteGpt2Layout(dir.Path, "gpt2"));
        string text = MixedText();
        Assert.Equal(Gpt2Vocabulary.Tokenizer.Encode(text), ours.Encode(text));
        Assert.Equal(Gpt2Vocabulary.Tokenizer.Encode(text, allowSpecialTokens: false), ours.Encode(text, allowSpecialTokens: false));
    }

    [Fact]
    public void LearnedChatMlFixture_GivesTheReferenceIds_AndRoundTrips()
    {
        string path = LearnedFixture.Path;
        var ours = TokenizerJson.Load(path);
        string text = MixedText();
        int[] expected = ReferenceTokenizer.Encode(path, text);
        Assert.Equal(expected, ours.Encode(text));
        Assert.Equal(text, ours.Decode(ours.Encode(text)));
        Assert.Equal(text, ours.Decode(ours.Encode(text, allowSpecialTokens: false)));
    }

    [Fact]
    public void ChatMlTokens_AreOneIdEach_AndPlainTextWhenSpecialTokensAreNotAllowed()
    {
        var ours = TokenizerJson.Load(LearnedFixture.Path);
        int start = ours.SpecialTokens["<|im_start|>"], end = ours.SpecialTokens["<|im_end|>"];
        var ids = ours.Encode("<|im_start|>user\nhi<|im_end|>");
        Assert.Equal(start, ids[0]);
        Assert.Equal(end, ids[^1]);
        Assert.Equal(1, ids.Count(id => id == start));
        var plain = ours.Encode("<|im_start|>", allowSpecialTokens: false);
        Assert.True(plain.Count > 1, $"as text <|im_start|> takes several ids, got {plain.Count}");
        Assert.DoesNotContain(start, plain);
        Assert.Equal(ours.SpecialTokens["<|endoftext|>"], ours.EndOfTextId);
    }

    [Theory]
    [InlineData("Removed")]
    [InlineData("Isolated")]
    [InlineData("MergedWithPrevious")]
    [InlineData("MergedWithNext")]
    [InlineData("Contiguous")]
    public void SplitBehaviors_GiveTheReferenceIds(string behavior)
    {
        using var dir = new TempDirectory();
        string path = Write(dir.Path, Gpt2Vocab(), Gpt2Merges(), Sequence(SplitString("-", behavior), ByteLevel()), ChatMl);
        const string text = "a-b--c---d -e- f-";
        Assert.Equal(ReferenceTokenizer.Encode(path, text), TokenizerJson.Load(path).Encode(text));
    }

    [Fact]
    public void StrippingAddedTokens_TakeTheWhitespaceBesideThem_AsTheReference()
    {
        using var dir = new TempDirectory();
        var vocab = Gpt2Vocab();
        var added = new JsonArray(
            new JsonObject { ["id"] = 50257, ["content"] = "<mask>", ["single_word"] = false, ["lstrip"] = true, ["rstrip"] = false, ["normalized"] = false, ["special"] = true },
            new JsonObject { ["id"] = 50258, ["content"] = "<sep>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = true, ["normalized"] = false, ["special"] = true });
        string path = Write(dir.Path, vocab, Gpt2Merges(), ByteLevel(), [], addedTokens: added);
        const string text = "a  <mask>  b <sep>   c<mask><sep>";
        Assert.Equal(ReferenceTokenizer.Encode(path, text), TokenizerJson.Load(path).Encode(text));
    }
}
