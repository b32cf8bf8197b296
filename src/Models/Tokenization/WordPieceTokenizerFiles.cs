using System.Text;
using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// Reads and writes a BERT tokenizer as transformers does: <c>vocab.txt</c> (one token per line, the id is the
/// 0-based line number) and <c>tokenizer_config.json</c> (<c>do_lower_case</c>, <c>strip_accents</c>,
/// <c>tokenize_chinese_chars</c>, the special tokens' texts). Without tokenizer_config.json, BertTokenizer's
/// defaults apply (lowercasing, [UNK] [SEP] [PAD] [CLS] [MASK]).
/// </summary>
public static class WordPieceTokenizerFiles
{
    /// <summary>The vocabulary's file name: one token per line, the id is the 0-based line number.</summary>
    public const string VocabFile = "vocab.txt";
    /// <summary>
    /// The settings' file name (do_lower_case, strip_accents, tokenize_chinese_chars, the special tokens).
    /// </summary>
    public const string ConfigFile = "tokenizer_config.json";

    /// <summary>True if <paramref name="directory"/> holds a vocab.txt.</summary>
    public static bool Present(string directory) => File.Exists(Path.Combine(directory, VocabFile));

    /// <summary>The tokenizer saved in <paramref name="directory"/>: vocab.txt, with tokenizer_config.json's settings
    /// if present (else BertTokenizer's defaults).</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No vocab.txt.</exception>
    /// <exception cref="InvalidDataException">An empty vocabulary, a repeated token, a bad tokenizer_config.json, or
    /// special tokens missing from the vocabulary; the message names the file.</exception>
    public static WordPieceTokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        string vocabPath = Path.Combine(directory, VocabFile);
        var vocabulary = ReadVocabulary(vocabPath);
        string configPath = Path.Combine(directory, ConfigFile);
        var (lower, strip, cjk, specials) = File.Exists(configPath) ? ReadConfig(configPath) : (true, null, true, WordPieceSpecialTokens.Default);
        try
        {
            return new WordPieceTokenizer(vocabulary, lower, strip, cjk, specials);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{vocabPath}: {e.Message}", e);
        }
    }

    /// <summary>vocab.txt's lines in order (\n, \r\n or \r ends a line, as Python's text mode reads it); a repeated token is an error naming both lines.</summary>
    public static List<string> ReadVocabulary(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Vocabulary file '{path}' does not exist.", path);
        var tokens = new List<string>();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in ModelFile.ReadLines(path))
        {
            if (!lineOf.TryAdd(token, tokens.Count + 1))
                throw new InvalidDataException($"{path}: line {tokens.Count + 1} repeats the token {Printable.Quote(token)} of line {lineOf[token]}.");
            tokens.Add(token);
        }
        if (tokens.Count == 0) throw new InvalidDataException($"{path}: the vocabulary is empty.");
        return tokens;
    }

    /// <summary>
    /// Writes vocab.txt and tokenizer_config.json (each atomically) into <paramref name="directory"/>, creating it if
    /// needed.
    /// </summary>
    public static void Save(WordPieceTokenizer tokenizer, string directory)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var text = new StringBuilder();
        foreach (string token in tokenizer.Vocabulary) text.Append(token).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(directory, VocabFile), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), ConfigJson(tokenizer));
    }

    private static string ConfigJson(WordPieceTokenizer tokenizer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("tokenizer_class", "BertTokenizer");
            json.WriteBoolean("do_lower_case", tokenizer.LowerCase);
            if (tokenizer.Basic.StripAccents is bool strip) json.WriteBoolean("strip_accents", strip);
            else json.WriteNull("strip_accents");
            json.WriteBoolean("tokenize_chinese_chars", tokenizer.Basic.TokenizeChineseChars);
            var s = tokenizer.Specials;
            json.WriteString("unk_token", s.Unknown);
            json.WriteString("sep_token", s.Separator);
            json.WriteString("pad_token", s.Padding);
            json.WriteString("cls_token", s.Classification);
            json.WriteString("mask_token", s.Mask);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static (bool Lower, bool? Strip, bool Cjk, WordPieceSpecialTokens Specials) ReadConfig(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ModelFile.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: must be a JSON object.");
            bool? Bool(string key)
            {
                if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                return v.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new InvalidDataException($"{path}: key \"{key}\" must be true, false or null, got {Printable.Escape(v.GetRawText())}."),
                };
            }
            // A special token is a string, or (newer transformers) an AddedToken object {"content": "[UNK]", …}.
            string Token(string key, string fallback)
            {
                if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
                if (v.ValueKind == JsonValueKind.String) return v.GetString()!;
                if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    return c.GetString()!;
                throw new InvalidDataException($"{path}: key \"{key}\" must be a token string, got {Printable.Escape(v.GetRawText())}.");
            }
            var d = WordPieceSpecialTokens.Default;
            var specials = new WordPieceSpecialTokens
            {
                Unknown = Token("unk_token", d.Unknown),
                Separator = Token("sep_token", d.Separator),
                Padding = Token("pad_token", d.Padding),
                Classification = Token("cls_token", d.Classification),
                Mask = Token("mask_token", d.Mask),
            };
            return (Bool("do_lower_case") ?? true, Bool("strip_accents"), Bool("tokenize_chinese_chars") ?? true, specials);
        }
    }
}
