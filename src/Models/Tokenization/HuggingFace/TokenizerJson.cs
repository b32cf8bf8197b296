using System.Text.Json;
using System.Text.RegularExpressions;
using LlmForge.Checkpoints;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// Reads the Hugging Face tokenizers library's <c>tokenizer.json</c> as a <see cref="HuggingFaceBpeTokenizer"/>:
/// <c>model.type</c> "BPE" (vocab + merges, merges as "a b" strings or [a, b] pairs, <c>ignore_merges</c>), byte-level
/// (a <c>ByteLevel</c> pre-tokenizer and decoder), <c>added_tokens</c>, normalizer null/NFC/NFD/Lowercase (or a Sequence),
/// pre-tokenizer Split (regex or string)/Digits/ByteLevel (or a Sequence), post-processor null/ByteLevel/TemplateProcessing
/// (not applied by Encode). Anything else is one line naming the file, the key and its value.
/// </summary>
public static class TokenizerJson
{
    /// <summary>The file name, "tokenizer.json".</summary>
    public const string FileName = "tokenizer.json";

    /// <summary>
    /// What the file at <paramref name="path"/> holds, from one parse: not a tokenizers-library file (not a JSON object
    /// with a "model": LlmForge's old char tokenizer file, or invalid JSON for its reader to report), a BPE model with its
    /// vocabulary ("model" an object with a "vocab" and "type" "BPE" or none), or another tokenizers-library file (a
    /// WordPiece model, a stub) that <see cref="Load"/> reports.
    /// </summary>
    internal static TokenizerJsonContent Probe(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model))
                return TokenizerJsonContent.NotTokenizersLibrary;
            return model.ValueKind == JsonValueKind.Object && model.TryGetProperty("vocab", out _)
                && (!model.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() == "BPE")
                ? TokenizerJsonContent.BpeWithVocabulary
                : TokenizerJsonContent.OtherTokenizersLibrary;
        }
        catch (JsonException)
        {
            return TokenizerJsonContent.NotTokenizersLibrary;
        }
    }

    /// <summary>Loads the byte-level BPE tokenizer described by <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not valid JSON, or a key with a value this reader does not support (the
    /// message names the file, the key and the value).</exception>
    public static HuggingFaceBpeTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file '{path}' does not exist.", path);
        byte[] file = ModelFile.ReadAllBytes(path);
        try
        {
            using var doc = JsonDocument.Parse(file);
            return new Reader(path).Read(doc.RootElement, file);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private sealed class Reader(string path)
    {
        private const string SentencePieceHint = " (SentencePiece-style tokenizer.json, as TinyLlama/Llama 2 ship, is not supported: only byte-level BPE)";

        public HuggingFaceBpeTokenizer Read(JsonElement root, byte[] file)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Bad("the file", "must be a JSON object");
            var model = Property(root, "model", JsonValueKind.Object, "model")!.Value;
            string type = String(model, "type", "model.type") ?? "BPE";
            if (type != "BPE") throw Unsupported("model.type", Printable.Quote(type), "\"BPE\"");
            if (Flag(model, "byte_fallback", "model.byte_fallback")) throw Unsupported("model.byte_fallback", "true", "false" + SentencePieceHint);
            if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind is not JsonValueKind.Null && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
                throw Unsupported("model.dropout", dropout.GetRawText(), "null");
            foreach (string key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
                if (String(model, key, "model." + key) is { Length: > 0 } affix) throw Unsupported("model." + key, Printable.Quote(affix), "null");
            bool ignoreMerges = Flag(model, "ignore_merges", "model.ignore_merges");

            if (!model.TryGetProperty("vocab", out var vocabJson))
                throw Bad("model.vocab", "is missing (a Hugging Face tokenizers file needs the BPE vocabulary)");
            if (vocabJson.ValueKind != JsonValueKind.Object) throw Bad("model.vocab", "must be an object {\"token\": id, …}");
            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in vocabJson.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id))
                    throw Bad($"model.vocab[{Printable.Quote(entry.Name)}]", "must be an integer id");
                vocab[entry.Name] = id;
            }
            var merges = ReadMerges(model);

            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens", out var addedJson) && addedJson.ValueKind == JsonValueKind.Array)
                foreach (var t in addedJson.EnumerateArray())
                {
                    string content = String(t, "content", "added_tokens[].content") ?? "";
                    if (content.Length == 0) throw Bad("added_tokens[].content", "must be a non-empty string");
                    if (!t.TryGetProperty("id", out var idJson) || !idJson.TryGetInt32(out int id) || id < 0)
                        throw Bad($"added_tokens[{Printable.Quote(content)}].id", "must be a non-negative integer");
                    if (Flag(t, "single_word", "added_tokens[].single_word")) throw Unsupported($"added_tokens[{Printable.Quote(content)}].single_word", "true", "false");
                    added.Add(new AddedToken(id, content, Flag(t, "special", "added_tokens[].special"),
                        Flag(t, "lstrip", "added_tokens[].lstrip"), Flag(t, "rstrip", "added_tokens[].rstrip")));
                }
            // The vocabulary may repeat an added token (GPT-2's "<|endoftext|>"); the merge step must not see it.
            foreach (var t in added)
                if (vocab.TryGetValue(t.Content, out int id) && id == t.Id && ByteLevelAlphabet.ToBytes(t.Content) is null) vocab.Remove(t.Content);

            var normalize = Normalizer(root.TryGetProperty("normalizer", out var n) ? n : default, "normalizer");
            var steps = new List<IPreTokenizerStep>();
            PreTokenizer(root.TryGetProperty("pre_tokenizer", out var p) ? p : default, "pre_tokenizer", steps);
            if (!steps.OfType<ByteLevelStep>().Any())
                throw Unsupported("pre_tokenizer", p.ValueKind == JsonValueKind.Undefined ? "null" : Describe(p), "one with a ByteLevel step (byte-level BPE)");
            Decoder(root.TryGetProperty("decoder", out var d) ? d : default);
            PostProcessor(root.TryGetProperty("post_processor", out var pp) ? pp : default);

            try
            {
                var bpe = new Gpt2Tokenizer(vocab, merges, specialTokens: []);
                return new HuggingFaceBpeTokenizer(bpe, added, normalize, steps, ignoreMerges, file);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Tokenizer file '{path}': {e.Message}", e);
            }
        }

        private List<(string, string)> ReadMerges(JsonElement model)
        {
            var merges = new List<(string, string)>();
            if (!model.TryGetProperty("merges", out var json) || json.ValueKind == JsonValueKind.Null) return merges;
            if (json.ValueKind != JsonValueKind.Array) throw Bad("model.merges", "must be an array");
            foreach (var m in json.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.String)
                {
                    string line = m.GetString()!;
                    int space = line.IndexOf(' ');
                    if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                        throw Bad($"model.merges[{merges.Count}]", $"is {Printable.Quote(line)}; expected \"left right\"");
                    merges.Add((line[..space], line[(space + 1)..]));
                }
                else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                    && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                    merges.Add((m[0].GetString()!, m[1].GetString()!));
                else throw Bad($"model.merges[{merges.Count}]", $"is {Describe(m)}; expected \"left right\" or [\"left\", \"right\"]");
            }
            return merges;
        }

        private Func<string, string> Normalizer(JsonElement json, string key)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return s => s;
            string type = String(json, "type", key + ".type") ?? "";
            switch (type)
            {
                case "NFC": return UnicodeNormalization.Nfc;
                case "NFD": return UnicodeNormalization.Nfd;
                case "Lowercase": return s => s.ToLowerInvariant();
                case "Sequence":
                    var parts = Property(json, "normalizers", JsonValueKind.Array, key + ".normalizers")!.Value.EnumerateArray()
                        .Select((e, i) => Normalizer(e, $"{key}.normalizers[{i}]")).ToList();
                    return s => parts.Aggregate(s, (text, f) => f(text));
                default:
                    throw Unsupported(key + ".type", Printable.Quote(type),
                        "null, NFC, NFD, Lowercase or a Sequence of them" + (type is "Replace" or "Prepend" ? SentencePieceHint : ""));
            }
        }

        private void PreTokenizer(JsonElement json, string key, List<IPreTokenizerStep> steps)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
            string type = String(json, "type", key + ".type") ?? "";
            switch (type)
            {
                case "ByteLevel":
                    steps.Add(new ByteLevelStep(Flag(json, "add_prefix_space", key + ".add_prefix_space"),
                        !json.TryGetProperty("use_regex", out var r) || r.ValueKind != JsonValueKind.False));
                    break;
                case "Digits":
                    steps.Add(PatternSplitStep.Digits(Flag(json, "individual_digits", key + ".individual_digits")));
                    break;
                case "Split":
                    steps.Add(Split(json, key));
                    break;
                case "Sequence":
                    int i = 0;
                    foreach (var e in Property(json, "pretokenizers", JsonValueKind.Array, key + ".pretokenizers")!.Value.EnumerateArray())
                        PreTokenizer(e, $"{key}.pretokenizers[{i++}]", steps);
                    break;
                default:
                    throw Unsupported(key + ".type", Printable.Quote(type),
                        "Split, Digits, ByteLevel or a Sequence of them" + (type == "Metaspace" ? SentencePieceHint : ""));
            }
        }

        private PatternSplitStep Split(JsonElement json, string key)
        {
            if (Flag(json, "invert", key + ".invert")) throw Unsupported(key + ".invert", "true", "false");
            string behaviorName = String(json, "behavior", key + ".behavior") ?? "Isolated";
            if (!Enum.TryParse(behaviorName, out SplitBehavior behavior) || !Enum.IsDefined(behavior))
                throw Unsupported(key + ".behavior", Printable.Quote(behaviorName), string.Join(", ", Enum.GetNames<SplitBehavior>()));
            var pattern = Property(json, "pattern", JsonValueKind.Object, key + ".pattern")!.Value;
            if (String(pattern, "String", key + ".pattern.String") is { } literal)
            {
                if (literal.Length == 0) throw Bad(key + ".pattern.String", "must not be empty");
                return new PatternSplitStep(piece => Occurrences(piece, literal), behavior);
            }
            string regexText = String(pattern, "Regex", key + ".pattern.Regex")
                ?? throw Bad(key + ".pattern", "needs \"Regex\" or \"String\"");
            Regex regex;
            try
            {
                regex = new Regex(regexText, RegexOptions.CultureInvariant | RegexOptions.Compiled);
            }
            catch (ArgumentException e)
            {
                throw Unsupported(key + ".pattern.Regex", Printable.Quote(regexText), $"a regex .NET can run ({e.Message.Split('\n')[0]})");
            }
            var codePoints = new CodePointRegex(regex);
            return new PatternSplitStep(codePoints.Matches, behavior);
        }

        private static List<(int, int)> Occurrences(ReadOnlyMemory<char> piece, string literal)
        {
            var found = new List<(int, int)>();
            var text = piece.Span;
            for (int at = 0, i; (i = text[at..].IndexOf(literal, StringComparison.Ordinal)) >= 0; at += i + literal.Length)
                found.Add((at + i, literal.Length));
            return found;
        }

        private void Decoder(JsonElement json)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return; // decoding is the byte-level one regardless
            string type = String(json, "type", "decoder.type") ?? "";
            if (type != "ByteLevel")
                throw Unsupported("decoder.type", Printable.Quote(type), "ByteLevel" + (type == "Sequence" || type == "Metaspace" ? SentencePieceHint : ""));
        }

        private void PostProcessor(JsonElement json)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
            string type = String(json, "type", "post_processor.type") ?? "";
            if (type is "ByteLevel" or "TemplateProcessing") return;
            if (type == "Sequence")
            {
                int i = 0;
                foreach (var e in Property(json, "processors", JsonValueKind.Array, "post_processor.processors")!.Value.EnumerateArray())
                {
                    string inner = String(e, "type", $"post_processor.processors[{i}].type") ?? "";
                    if (inner is not ("ByteLevel" or "TemplateProcessing"))
                        throw Unsupported($"post_processor.processors[{i}].type", Printable.Quote(inner), "ByteLevel or TemplateProcessing");
                    i++;
                }
                return;
            }
            throw Unsupported("post_processor.type", Printable.Quote(type), "null, ByteLevel, TemplateProcessing or a Sequence of them");
        }

        private JsonElement? Property(JsonElement obj, string name, JsonValueKind kind, string key)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind != kind)
                throw Bad(key, $"must be a JSON {kind.ToString().ToLowerInvariant()}");
            return value;
        }

        private string? String(JsonElement obj, string name, string key)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad(key, $"is {Describe(value)}; expected a string");
        }

        private bool Flag(JsonElement obj, string name, string key)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return false;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Bad(key, $"is {Describe(value)}; expected true or false"),
            };
        }

        private static string Describe(JsonElement value)
        {
            string raw = value.GetRawText();
            return raw.Length <= 60 ? raw : raw[..57] + "...";
        }

        private InvalidDataException Unsupported(string key, string value, string supported) =>
            new($"Tokenizer file '{path}': {key} {value} is not supported; supported: {supported}.");

        private InvalidDataException Bad(string key, string problem) =>
            new($"Tokenizer file '{path}' (a Hugging Face tokenizers file): {key} {problem}.");
    }
}
