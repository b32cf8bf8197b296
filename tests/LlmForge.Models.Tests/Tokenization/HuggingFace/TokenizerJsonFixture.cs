using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>
/// Composes Hugging Face tokenizer.json files for tests from a byte-level vocabulary and merges (GPT-2's, or one
/// BpeTrainer learned) with the pre-tokenizers real models ship: GPT-2's ByteLevel, SmolLM2's Digits + ByteLevel,
/// Llama 3's and Qwen2's Split regex + ByteLevel, and ChatML added tokens.
/// </summary>
internal static class TokenizerJsonFixture
{
    /// <summary>Llama 3's (and SmolLM3's) pre-tokenizer regex: digits in runs of at most 3.</summary>
    public const string Llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's pre-tokenizer regex: every digit alone.</summary>
    public const string Qwen2Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>ChatML's tokens, as SmolLM2 and Qwen2 add them (special).</summary>
    public static readonly string[] ChatMl = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    public static JsonObject ByteLevel(bool addPrefixSpace = false, bool useRegex = true) =>
        new() { ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefixSpace, ["trim_offsets"] = true, ["use_regex"] = useRegex };

    public static JsonObject Split(string regex, string behavior = "Isolated") =>
        new() { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = regex }, ["behavior"] = behavior, ["invert"] = false };

    public static JsonObject SplitString(string literal, string behavior) =>
        new() { ["type"] = "Split", ["pattern"] = new JsonObject { ["String"] = literal }, ["behavior"] = behavior, ["invert"] = false };

    public static JsonObject Digits(bool individual) => new() { ["type"] = "Digits", ["individual_digits"] = individual };

    public static JsonObject Sequence(params JsonNode[] steps) => new() { ["type"] = "Sequence", ["pretokenizers"] = new JsonArray(steps) };

    /// <summary>
    /// Writes <c>tokenizer.json</c> into <paramref name="directory"/> and returns its path. Added tokens take the id the
    /// vocabulary gives them, else the next free ids in order.
    /// </summary>
    public static string Write(string directory, IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges,
        JsonNode? preTokenizer, IEnumerable<string> specialTokens, bool mergesAsPairs = false, JsonNode? normalizer = null,
        bool ignoreMerges = false, JsonNode? addedTokens = null)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in vocabulary.OrderBy(kv => kv.Value)) vocab[token] = id;
        var mergeArray = new JsonArray();
        foreach (var (left, right) in merges)
            mergeArray.Add(mergesAsPairs ? new JsonArray(left, right) : JsonValue.Create(left + " " + right));
        int nextId = vocabulary.Values.Max() + 1;
        var added = addedTokens ?? new JsonArray([.. specialTokens.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = vocabulary.TryGetValue(s, out int id) ? id : nextId++,
            ["content"] = s, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        })]);
        var root = new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = normalizer,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = null,
            ["decoder"] = ByteLevel(addPrefixSpace: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = ignoreMerges,
                ["vocab"] = vocab, ["merges"] = mergeArray,
            },
        };
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }
}
