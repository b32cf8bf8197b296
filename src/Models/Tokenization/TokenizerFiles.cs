using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmForge.Tokenization;

/// <summary>
/// Loads whichever tokenizer a directory holds (a saved model's, or GPT-2's files):
/// <c>tokenizer.json</c> with <c>"type": "char"</c> → <see cref="CharTokenizer"/>;
/// <c>vocab.json</c> + <c>merges.txt</c> or <c>encoder.json</c> + <c>vocab.bpe</c> → <see cref="Gpt2Tokenizer"/>;
/// <c>vocab.txt</c> (+ <c>tokenizer_config.json</c>) → <see cref="WordPieceTokenizer"/> (BERT).
/// </summary>
public static class TokenizerFiles
{
    /// <summary>File name of a saved <see cref="CharTokenizer"/>.</summary>
    public const string CharTokenizerFile = "tokenizer.json";

    public static ITokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        string charFile = Path.Combine(directory, CharTokenizerFile);
        if (File.Exists(charFile)) return LoadChar(charFile);
        if (Gpt2TokenizerFiles.Present(directory)) return Gpt2TokenizerFiles.Load(directory);
        if (WordPieceTokenizerFiles.Present(directory)) return WordPieceTokenizerFiles.Load(directory);
        throw new FileNotFoundException(
            $"No tokenizer in '{directory}': expected {CharTokenizerFile} (char tokenizer), " +
            $"vocab.json + merges.txt or encoder.json + vocab.bpe (GPT-2 BPE), or vocab.txt (BERT WordPiece).");
    }

    /// <summary>Reads a <c>tokenizer.json</c> of the form <c>{"type": "char", "chars": "…"}</c>.</summary>
    public static CharTokenizer LoadChar(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Char tokenizer file '{path}' does not exist.", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out _))
                throw new InvalidDataException($"Tokenizer file '{path}' looks like a Hugging Face tokenizers file, which LlmForge does not read: use its vocab.json + merges.txt instead.");
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"Tokenizer file '{path}' must be a JSON object with a \"type\" string.");
            if (type.GetString() != "char")
                throw new InvalidDataException($"Tokenizer file '{path}' has \"type\": \"{type.GetString()}\"; only \"char\" is stored in {CharTokenizerFile} (GPT-2 BPE uses vocab.json + merges.txt).");
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
        using var stream = File.Create(Path.Combine(directory, CharTokenizerFile));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("type", "char");
        json.WriteString("chars", tokenizer.Characters);
        json.WriteEndObject();
    }
}
