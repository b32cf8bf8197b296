using System.Text.Json.Nodes;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>
/// <see cref="SentencePieceBpeTokenizer"/> against the Rust tokenizers library (<see cref="ReferenceTokenizer"/>) on the
/// same SentencePiece-style tokenizer.json: the committed fixture (a SentencePiece BPE that spm_train learned from the
/// multilingual test text, converted by tools/sentencepiece-fixture/make_tokenizer_json.py) in the layouts Llama 2,
/// TinyLlama and Mistral ship. Every test string's ids and decoding equal the reference's.
/// </summary>
public class SentencePieceTokenizerJsonTests
{
    private static string FixturePath => Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "tokenizer-json-sentencepiece", "tokenizer.json");

    /// <summary>Mixed text: accents, CJK, emoji (not in the vocabulary: byte fallback), digits, space runs, newlines, tabs, &lt;s&gt;/&lt;/s&gt;.</summary>
    public static readonly string[] Texts =
    [
        "Hello, I am a language model.",
        " leading space and  two   three    spaces",
        "trailing spaces   ",
        "Numbers: 3.14159, 1,000,000, 2024-05-17 and 12345678",
        "Accents: café naïve résumé Ångström œuvre",
        "CJK: 你好，世界 こんにちは 안녕하세요 漢字",
        "Emoji 😀🎉 glued😀to words, flags 🇫🇷, ZWJ 👩‍💻",
        "lines\nand\n\nblank\r\nCRLF\tand\ttabs",
        "<s>[INST] What is 2+2? [/INST] 4</s><s>[INST] again [/INST]",
        "</s> special at start, <s> in the middle and at the end <s>",
        "unseen characters ꙮ ᚠᛇᚻ ∰ 𝔘𝔫𝔦",
        "",
        "▁ already a metaspace ▁▁",
    ];

    private static string MixedText() => "<s>" + string.Join("\n", Texts) + "\n" + TokenizerJsonReferenceTests.MixedText() + "</s>";

    public static TheoryData<string> Layouts() =>
    [
        "llama2-legacy",        // normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer, decoder Replace/ByteFallback/Fuse/Strip
        "metaspace-first",      // pre-tokenizer Metaspace prepend_scheme "first", split false (TinyLlama/Mistral today)
        "metaspace-always",     // Metaspace "always" with split, decoder ByteFallback + Metaspace
        "ignore-merges",        // the legacy layout with ignore_merges
        "chatml",               // ChatML added tokens beside <s>/</s>, Metaspace "first"
        "no-unk-fuse",          // fuse_unk false and no byte fallback: unknown characters become <unk> one by one
    ];

    private static JsonObject Fixture() => (JsonObject)JsonNode.Parse(File.ReadAllText(FixturePath))!;

    private static JsonObject Metaspace(string scheme, bool split) =>
        new() { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["prepend_scheme"] = scheme, ["split"] = split };

    /// <summary>Writes the fixture in <paramref name="layout"/>, without its post-processor (Encode gives the text's own ids).</summary>
    private static string Write(string directory, string layout)
    {
        var root = Fixture();
        root["post_processor"] = null;
        var model = (JsonObject)root["model"]!;
        switch (layout)
        {
            case "llama2-legacy":
                break;
            case "metaspace-first":
                root["normalizer"] = null;
                root["pre_tokenizer"] = Metaspace("first", split: false);
                break;
            case "metaspace-always":
                root["normalizer"] = null;
                root["pre_tokenizer"] = Metaspace("always", split: true);
                root["decoder"] = new JsonObject
                {
                    ["type"] = "Sequence",
                    ["decoders"] = new JsonArray(new JsonObject { ["type"] = "ByteFallback" }, Metaspace("always", split: true)),
                };
                break;
            case "ignore-merges":
                model["ignore_merges"] = true;
                break;
            case "chatml":
                root["normalizer"] = null;
                root["pre_tokenizer"] = Metaspace("first", split: false);
                var added = (JsonArray)root["added_tokens"]!;
                int next = ((JsonObject)model["vocab"]!).Count;
                foreach (string token in new[] { "<|im_start|>", "<|im_end|>" })
                    added.Add(new JsonObject
                    {
                        ["id"] = next++, ["content"] = token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                        ["normalized"] = false, ["special"] = true,
                    });
                break;
            case "no-unk-fuse":
                model["byte_fallback"] = false;
                model["fuse_unk"] = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(layout));
        }
        string path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_test_string_encodes_and_decodes_as_the_reference(string layout)
    {
        using var dir = new TempDirectory();
        string path = Write(dir.Path, layout);
        var ours = Assert.IsType<SentencePieceBpeTokenizer>(TokenizerFiles.Load(dir.Path));

        var failures = new List<string>();
        foreach (string text in Texts.Append(MixedText()))
        {
            int[] expected = ReferenceTokenizer.Encode(path, text);
            var actual = ours.Encode(text);
            if (!actual.SequenceEqual(expected))
                failures.Add($"encode {Quote(text)}: ids differ from #{FirstDifference(actual, expected)}: [{string.Join(",", actual.Take(12))}…] vs the reference's [{string.Join(",", expected.Take(12))}…]");
            // The reference decodes with skip_special_tokens=True.
            string decoded = ours.Decode(expected, skipSpecialTokens: true);
            string reference = ReferenceTokenizer.Decode(path, expected);
            if (decoded != reference)
                failures.Add($"decode {Quote(text)}: differs from char {FirstDifference(decoded.ToList(), reference.ToList())}: {Quote(decoded)} vs the reference's {Quote(reference)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text.Length <= 80 ? text : text[..80] + "…");

    private static int FirstDifference<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        int i = 0;
        while (i < a.Count && i < b.Count && EqualityComparer<T>.Default.Equals(a[i], b[i])) i++;
        return i;
    }

    [Fact]
    public void The_mixed_text_uses_byte_fallback_special_tokens_and_round_trips()
    {
        var ours = TokenizerJson.Load(FixturePath);
        var ids = ours.Encode(MixedText());
        var spm = Assert.IsType<SentencePieceBpeTokenizer>(ours);
        int firstByte = spm.Vocabulary["<0x00>"];
        Assert.Contains(ids, id => id >= firstByte && id < firstByte + 256); // the emoji are not pieces: their bytes are
        Assert.Equal(spm.SpecialTokens["<s>"], ids[0]);
        Assert.Equal(spm.SpecialTokens["</s>"], ids[^1]);
        Assert.Equal(spm.SpecialTokens["</s>"], spm.EndOfTextId);
        Assert.DoesNotContain(spm.Vocabulary["<unk>"], ids);
        // The legacy layout puts "▁" before the text after each special token, so decoding adds a space there.
        const string plain = "Hello 😀 café, 你好  world\n";
        Assert.Equal(plain, ours.Decode(ours.Encode(plain)));
        Assert.Equal(" " + plain.TrimStart(), System.Text.Encoding.UTF8.GetString(ours.DecodeBytes(ours.Encode(plain))));
    }

    [Fact]
    public void The_shipped_post_processor_puts_bos_first_in_the_reference_and_Encode_leaves_it_out()
    {
        // The file as committed carries TemplateProcessing: the library then puts <s> first, Encode does not.
        string text = "Hello world";
        var ours = TokenizerJson.Load(FixturePath).Encode(text);
        Assert.Equal([1, .. ours], ReferenceTokenizer.Encode(FixturePath, text));
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "decoder", "{\"type\": \"CTC\"}", "decoder.type 'CTC' is not supported" },
        { "model.unk_token", "\"<nope>\"", "model.unk_token '<nope>' is not in model.vocab" },
        { "model.merges", "[[\"x\", \"zz\"]]", "model.merges[0] ('x', 'zz') names a token the vocabulary lacks" },
        { "pre_tokenizer", "{\"type\": \"Metaspace\", \"prepend_scheme\": \"sometimes\"}", "pre_tokenizer.prepend_scheme 'sometimes' is not supported" },
        { "pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Metaspace\"}, {\"type\": \"Digits\"}]}", "nothing after a Metaspace pre-tokenizer" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Unsupported_or_inconsistent_keys_are_one_line_naming_file_key_and_value(string key, string valueJson, string expected) =>
        TokenizerJsonErrorTests.AssertOneLineError(Fixture(), key, valueJson, expected);
}
