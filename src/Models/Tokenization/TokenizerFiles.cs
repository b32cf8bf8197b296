using System.Text.Encodings.Web;
using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// Loads whichever tokenizer a directory holds (a saved model's, or GPT-2's files):
/// <c>llmforge_char_tokenizer.json</c> (or, as LlmForge wrote it before, <c>tokenizer.json</c>) with <c>"type": "char"</c>
/// → <see cref="CharTokenizer"/>;
/// <c>vocab.json</c> + <c>merges.txt</c> or <c>encoder.json</c> + <c>vocab.bpe</c> → <see cref="Gpt2Tokenizer"/> (a GPT-2 BPE
/// saved by LlmForge — GPT-2's own or one <see cref="BpeTrainer"/> learned — or a Hugging Face download, whose
/// tokenizers-library tokenizer.json is then passed over unless it is a complete byte-level BPE);
/// the tokenizers library's <c>tokenizer.json</c> with a BPE model (GPT-2, SmolLM2, Qwen2, Llama 3 downloads) →
/// <see cref="HuggingFaceBpeTokenizer"/> (<see cref="TokenizerJson"/>);
/// <c>vocab.txt</c> (+ <c>tokenizer_config.json</c>) → <see cref="WordPieceTokenizer"/> (BERT).
/// </summary>
public static class TokenizerFiles
{
    /// <summary>
    /// File name of a saved <see cref="CharTokenizer"/>. Not "tokenizer.json": that is the Hugging Face tokenizers
    /// library's file, which transformers would try to read as its own format.
    /// </summary>
    public const string CharTokenizerFile = "llmforge_char_tokenizer.json";

    /// <summary>Where LlmForge saved a <see cref="CharTokenizer"/> before <see cref="CharTokenizerFile"/>; still read.</summary>
    public const string LegacyCharTokenizerFile = "tokenizer.json";

    /// <summary>
    /// The char tokenizer file of <paramref name="directory"/>: <see cref="CharTokenizerFile"/>, else a legacy
    /// tokenizer.json that is not the tokenizers library's file; null when there is none.
    /// </summary>
    public static string? FindCharFile(string directory)
    {
        string current = Path.Combine(directory, CharTokenizerFile);
        if (File.Exists(current)) return current;
        string legacy = Path.Combine(directory, LegacyCharTokenizerFile);
        // A Hugging Face download's tokenizer.json is the tokenizers library's file, read by TokenizerJson.
        return File.Exists(legacy) && TokenizerJson.Probe(legacy) == TokenizerJsonContent.NotTokenizersLibrary ? legacy : null;
    }

    /// <summary>
    /// The tokenizer saved in <paramref name="directory"/>, whichever kind: the char tokenizer's JSON, a tokenizers-library
    /// tokenizer.json with a BPE model and its vocabulary (which says more than the vocab.json + merges.txt a download
    /// also holds: Qwen's pre-tokenizer regex, its added tokens), GPT-2 BPE files (vocab.json + merges.txt or
    /// encoder.json + vocab.bpe), or a WordPiece vocab.txt, looked for in that order; a tokenizer.json of another kind
    /// alone is reported by <see cref="TokenizerJson.Load"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No tokenizer file of any kind in it (the message lists what was looked
    /// for).</exception>
    /// <exception cref="InvalidDataException">An opus-mt (Marian) directory: its two-language tokenizer is
    /// <see cref="TranslationTokenizerFiles.Load"/>'s.</exception>
    public static ITokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        string charFile = Path.Combine(directory, CharTokenizerFile);
        if (File.Exists(charFile)) return LoadChar(charFile);
        // tokenizer.json is either the char tokenizer's legacy file or the tokenizers library's: parsed once to tell which.
        string tokenizerJson = Path.Combine(directory, TokenizerJson.FileName);
        var content = File.Exists(tokenizerJson) ? TokenizerJson.Probe(tokenizerJson) : (TokenizerJsonContent?)null;
        if (content == TokenizerJsonContent.NotTokenizersLibrary) return LoadChar(tokenizerJson);
        if (content == TokenizerJsonContent.BpeWithVocabulary) return TokenizerJson.Load(tokenizerJson);
        // An opus-mt directory also holds a vocab.json (without merges.txt): say what it is rather than what it lacks.
        if (MarianTokenizerFiles.Present(directory) && !File.Exists(Path.Combine(directory, Gpt2TokenizerFiles.HfMerges)))
            throw new InvalidDataException(
                $"'{directory}' holds a Marian translation tokenizer ({MarianTokenizerFiles.SourceModel}, {MarianTokenizerFiles.TargetModel}, {MarianTokenizerFiles.Vocabulary}); " +
                "it is read by TranslationTokenizerFiles.Load, not as a single-language tokenizer.");
        if (Gpt2TokenizerFiles.Present(directory)) return Gpt2TokenizerFiles.Load(directory);
        if (WordPieceTokenizerFiles.Present(directory)) return WordPieceTokenizerFiles.Load(directory);
        if (content is not null) return TokenizerJson.Load(tokenizerJson); // says what it lacks or what is not supported
        throw new FileNotFoundException(
            $"No tokenizer in '{directory}': expected {CharTokenizerFile} or {LegacyCharTokenizerFile} (char tokenizer), " +
            $"vocab.json + merges.txt or encoder.json + vocab.bpe (GPT-2 BPE), or vocab.txt (BERT WordPiece).");
    }

    /// <summary>Reads a <c>tokenizer.json</c> of the form <c>{"type": "char", "chars": "…"}</c>.</summary>
    public static CharTokenizer LoadChar(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Char tokenizer file '{path}' does not exist.", path);
        try
        {
            using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out _))
                throw new InvalidDataException($"Tokenizer file '{path}' is a Hugging Face tokenizers file, not a char tokenizer (TokenizerFiles.Load reads it as one).");
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"Tokenizer file '{path}' must be a JSON object with a \"type\" string.");
            if (type.GetString() != "char")
                throw new InvalidDataException($"Tokenizer file '{path}' has \"type\": \"{Printable.Escape(type.GetString()!)}\"; only \"char\" is stored in {Path.GetFileName(path)} (GPT-2 BPE uses vocab.json + merges.txt).");
            if (!root.TryGetProperty("chars", out var chars) || chars.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"Tokenizer file '{path}' lacks the \"chars\" string (the vocabulary in id order).");
            return new CharTokenizer(chars.GetString()!);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Tokenizer file '{path}': {e.Message}", e);
        }
    }

    internal static void SaveChar(CharTokenizer tokenizer, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.Write(Path.Combine(directory, CharTokenizerFile), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("type", "char");
            json.WriteString("chars", tokenizer.Characters);
            json.WriteEndObject();
        });
    }
}
