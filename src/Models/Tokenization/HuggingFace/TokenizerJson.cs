using System.Text.Json;
using System.Text.RegularExpressions;
using LlmForge.Checkpoints;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// Reads the Hugging Face tokenizers library's <c>tokenizer.json</c>: <c>model.type</c> "BPE" (vocab + merges, merges
/// as "a b" strings or [a, b] pairs, <c>ignore_merges</c>), <c>added_tokens</c>, normalizer
/// null/NFC/NFD/Lowercase/Prepend/Replace (or a Sequence), pre-tokenizer Split (regex or string)/Digits/ByteLevel/Metaspace
/// (or a Sequence), post-processor null/ByteLevel/TemplateProcessing (not applied by Encode). A file with a
/// <c>ByteLevel</c> pre-tokenizer is byte-level BPE (<see cref="HuggingFaceBpeTokenizer"/>: GPT-2, SmolLM2, Qwen2,
/// Llama 3); one without is SentencePiece-style BPE over characters (<see cref="SentencePieceBpeTokenizer"/>: Llama 2,
/// TinyLlama, Mistral — <c>byte_fallback</c>, <c>unk_token</c>, decoder Replace/ByteFallback/Fuse/Strip/Metaspace).
/// Anything else is one line naming the file, the key and its value.
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

    /// <summary>Loads the BPE tokenizer described by <paramref name="path"/>: a <see cref="HuggingFaceBpeTokenizer"/>
    /// (byte-level) or a <see cref="SentencePieceBpeTokenizer"/> (no ByteLevel pre-tokenizer).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not valid JSON, or a key with a value this reader does not support (the
    /// message names the file, the key and the value).</exception>
    public static ITokenizer Load(string path)
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

    /// <summary>Writes <paramref name="file"/>, a tokenizer.json's bytes as read, into <paramref name="directory"/> (created if missing), atomically.</summary>
    internal static void Write(string directory, byte[] file)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllBytes(Path.Combine(directory, FileName), file);
    }

    private sealed class Reader(string path)
    {
        private MetaspaceStep? _metaspace;

        public ITokenizer Read(JsonElement root, byte[] file)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Bad("the file", "must be a JSON object");
            var model = Property(root, "model", JsonValueKind.Object, "model")!.Value;
            string type = String(model, "type", "model.type") ?? "BPE";
            if (type != "BPE") throw Unsupported("model.type", Printable.Quote(type), "\"BPE\"");
            bool byteFallback = Flag(model, "byte_fallback", "model.byte_fallback");
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
            PostProcessor(root.TryGetProperty("post_processor", out var pp) ? pp : default);
            var d = root.TryGetProperty("decoder", out var decoderJson) ? decoderJson : default;
            if (!steps.OfType<ByteLevelStep>().Any())
            {
                if (d.ValueKind == JsonValueKind.Object && String(d, "type", "decoder.type") == "ByteLevel")
                    throw Unsupported("pre_tokenizer", p.ValueKind == JsonValueKind.Undefined ? "null" : Describe(p),
                        "one with a ByteLevel step (byte-level BPE, as decoder ByteLevel needs)");
                return SentencePiece(model, vocab, merges, added, normalize, steps, TokenDecoders(d), byteFallback, ignoreMerges, file);
            }
            if (byteFallback) throw Unsupported("model.byte_fallback", "true", "false with a ByteLevel pre-tokenizer (every byte is already a token)");
            if (_metaspace is not null) throw Unsupported("pre_tokenizer", Describe(p), "Metaspace or ByteLevel, not both");
            Decoder(d);

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

        /// <summary>The SentencePiece-style tokenizer: merges as id rules (each pair and its concatenation in the vocabulary), the unknown token.</summary>
        private SentencePieceBpeTokenizer SentencePiece(JsonElement model, Dictionary<string, int> vocab, List<(string, string)> merges,
            List<AddedToken> added, Func<string, string> normalize, List<IPreTokenizerStep> steps, List<TokenDecoderStep>? decoder,
            bool byteFallback, bool ignoreMerges, byte[] file)
        {
            var table = new BpeMergeTable(merges.Count);
            for (int rank = 0; rank < merges.Count; rank++)
            {
                var (left, right) = merges[rank];
                if (!vocab.TryGetValue(left, out int l) || !vocab.TryGetValue(right, out int r) || !vocab.TryGetValue(left + right, out int merged))
                    throw Bad($"model.merges[{rank}]", $"({Printable.Quote(left)}, {Printable.Quote(right)}) names a token the vocabulary lacks");
                table.TryAdd(l, r, rank, merged);
            }
            int? unknown = null;
            if (String(model, "unk_token", "model.unk_token") is { } unk)
                unknown = vocab.TryGetValue(unk, out int id) ? id : throw Bad("model.unk_token", $"{Printable.Quote(unk)} is not in model.vocab");
            return new SentencePieceBpeTokenizer(vocab, table, added, normalize, steps, _metaspace, decoder, byteFallback, unknown,
                Flag(model, "fuse_unk", "model.fuse_unk"), ignoreMerges, file);
        }

        /// <summary>A SentencePiece-style decoder chain (null: none, tokens joined by spaces).</summary>
        private List<TokenDecoderStep>? TokenDecoders(JsonElement json)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
            var chain = new List<TokenDecoderStep>();
            AddDecoder(json, "decoder", chain);
            return chain;
        }

        private void AddDecoder(JsonElement json, string key, List<TokenDecoderStep> chain)
        {
            string type = String(json, "type", key + ".type") ?? "";
            switch (type)
            {
                case "Sequence":
                    int i = 0;
                    foreach (var e in Property(json, "decoders", JsonValueKind.Array, key + ".decoders")!.Value.EnumerateArray())
                        AddDecoder(e, $"{key}.decoders[{i++}]", chain);
                    break;
                case "Replace":
                    var pattern = Property(json, "pattern", JsonValueKind.Object, key + ".pattern")!.Value;
                    string literal = String(pattern, "String", key + ".pattern.String")
                        ?? throw Unsupported(key + ".pattern", Describe(pattern), "{\"String\": …}");
                    chain.Add(new TokenDecoderStep.Replace(literal, String(json, "content", key + ".content") ?? ""));
                    break;
                case "ByteFallback":
                    chain.Add(new TokenDecoderStep.ByteFallback());
                    break;
                case "Fuse":
                    chain.Add(new TokenDecoderStep.Fuse());
                    break;
                case "Strip":
                    string content = String(json, "content", key + ".content") ?? " ";
                    if (content.Length != 1) throw Bad(key + ".content", "must be one character");
                    chain.Add(new TokenDecoderStep.Strip(content[0], Count(json, "start", key), Count(json, "stop", key)));
                    break;
                case "Metaspace":
                    var (replacement, prepend) = MetaspaceKeys(json, key);
                    chain.Add(new TokenDecoderStep.Metaspace(replacement, prepend != MetaspacePrepend.Never));
                    break;
                default:
                    throw Unsupported(key + ".type", Printable.Quote(type), "Replace, ByteFallback, Fuse, Strip, Metaspace or a Sequence of them (SentencePiece-style BPE)");
            }
        }

        private int Count(JsonElement obj, string name, string key) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n >= 0 ? n
            : obj.TryGetProperty(name, out _) ? throw Bad($"{key}.{name}", "must be a non-negative integer") : 0;

        /// <summary>Metaspace's replacement character and prepend scheme (or the older add_prefix_space).</summary>
        private (char Replacement, MetaspacePrepend Prepend) MetaspaceKeys(JsonElement json, string key)
        {
            string replacement = String(json, "replacement", key + ".replacement") ?? "\u2581";
            if (replacement.Length != 1) throw Bad(key + ".replacement", $"is {Printable.Quote(replacement)}; expected one character");
            string? scheme = String(json, "prepend_scheme", key + ".prepend_scheme");
            var prepend = scheme switch
            {
                "always" => MetaspacePrepend.Always,
                "first" => MetaspacePrepend.First,
                "never" => MetaspacePrepend.Never,
                null => !json.TryGetProperty("add_prefix_space", out var a) || a.ValueKind != JsonValueKind.False ? MetaspacePrepend.Always : MetaspacePrepend.Never,
                _ => throw Unsupported(key + ".prepend_scheme", Printable.Quote(scheme), "always, first or never"),
            };
            return (replacement[0], prepend);
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
                case "Prepend":
                    string prefix = String(json, "prepend", key + ".prepend") ?? throw Bad(key + ".prepend", "must be a string");
                    return s => s.Length == 0 ? s : prefix + s; // the library prepends to non-empty text only
                case "Replace":
                    var pattern = Property(json, "pattern", JsonValueKind.Object, key + ".pattern")!.Value;
                    string literal = String(pattern, "String", key + ".pattern.String")
                        ?? throw Unsupported(key + ".pattern", Describe(pattern), "{\"String\": …}");
                    if (literal.Length == 0) throw Bad(key + ".pattern.String", "must not be empty");
                    string content = String(json, "content", key + ".content") ?? "";
                    return s => s.Replace(literal, content, StringComparison.Ordinal);
                case "Sequence":
                    var parts = Property(json, "normalizers", JsonValueKind.Array, key + ".normalizers")!.Value.EnumerateArray()
                        .Select((e, i) => Normalizer(e, $"{key}.normalizers[{i}]")).ToList();
                    return s => parts.Aggregate(s, (text, f) => f(text));
                default:
                    throw Unsupported(key + ".type", Printable.Quote(type), "null, NFC, NFD, Lowercase, Prepend, Replace or a Sequence of them");
            }
        }

        private void PreTokenizer(JsonElement json, string key, List<IPreTokenizerStep> steps)
        {
            if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
            string type = String(json, "type", key + ".type") ?? "";
            // Metaspace runs after the steps before it (the tokenizer applies it last), so nothing may follow it.
            if (_metaspace is not null) throw Unsupported(key + ".type", Printable.Quote(type), "nothing after a Metaspace pre-tokenizer");
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
                case "Metaspace":
                    var (replacement, prepend) = MetaspaceKeys(json, key);
                    _metaspace = new MetaspaceStep(replacement, prepend, !json.TryGetProperty("split", out var split) || split.ValueKind != JsonValueKind.False);
                    break;
                case "Sequence":
                    int i = 0;
                    foreach (var e in Property(json, "pretokenizers", JsonValueKind.Array, key + ".pretokenizers")!.Value.EnumerateArray())
                        PreTokenizer(e, $"{key}.pretokenizers[{i++}]", steps);
                    break;
                default:
                    throw Unsupported(key + ".type", Printable.Quote(type), "Split, Digits, ByteLevel, Metaspace or a Sequence of them");
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
                throw Unsupported("decoder.type", Printable.Quote(type), "ByteLevel with a ByteLevel pre-tokenizer");
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
