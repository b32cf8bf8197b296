using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// Reads and writes GPT-2 BPE files. The two naming conventions hold the same content:
/// OpenAI's <c>encoder.json</c> (token → id) + <c>vocab.bpe</c> (<c>#version: 0.2</c> then one
/// "left right" merge per line) and Hugging Face's <c>vocab.json</c> + <c>merges.txt</c>. Saves write each file atomically.
/// </summary>
internal static class Gpt2TokenizerFiles
{
    public const string HfVocab = "vocab.json", HfMerges = "merges.txt";
    public const string OpenAiVocab = "encoder.json", OpenAiMerges = "vocab.bpe";

    /// <summary>True if <paramref name="directory"/> holds either pair (or one file of a pair, which <see cref="Load(string)"/> reports).</summary>
    public static bool Present(string directory) =>
        new[] { HfVocab, HfMerges, OpenAiVocab, OpenAiMerges }.Any(f => File.Exists(Path.Combine(directory, f)));

    public static Gpt2Tokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        foreach (var (vocab, merges) in new[] { (HfVocab, HfMerges), (OpenAiVocab, OpenAiMerges) })
        {
            string v = Path.Combine(directory, vocab), m = Path.Combine(directory, merges);
            bool hasV = File.Exists(v), hasM = File.Exists(m);
            if (hasV && hasM) return Load(v, m);
            if (hasV || hasM)
                throw new FileNotFoundException(
                    $"GPT-2 tokenizer in '{directory}' has {(hasV ? vocab : merges)} but not {(hasV ? merges : vocab)}.",
                    hasV ? m : v);
        }
        throw new FileNotFoundException(
            $"No GPT-2 tokenizer files in '{directory}': expected {HfVocab} + {HfMerges} (Hugging Face) or " +
            $"{OpenAiVocab} + {OpenAiMerges} (OpenAI). Run tools/fetch-gpt2-vocab.sh to download GPT-2's.");
    }

    public static Gpt2Tokenizer Load(string vocabularyPath, string mergesPath)
    {
        var vocab = ReadVocabulary(vocabularyPath);
        var merges = ReadMerges(mergesPath);
        try
        {
            return new Gpt2Tokenizer(vocab, merges);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Inconsistent GPT-2 tokenizer files '{vocabularyPath}' and '{mergesPath}': {e.Message}", e);
        }
    }

    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Vocabulary file '{path}' does not exist.", path);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(ModelFile.ReadAllBytes(path), new JsonReaderOptions { AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidDataException($"Vocabulary file '{path}' must hold a JSON object {{\"token\": id, …}}.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string token = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id))
                    throw new InvalidDataException($"Vocabulary file '{path}': token {Printable.Quote(token)} must map to an integer id.");
                if (!vocab.TryAdd(token, id))
                    throw new InvalidDataException($"Vocabulary file '{path}': token {Printable.Quote(token)} appears twice.");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Vocabulary file '{path}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        return vocab;
    }

    public static List<(string Left, string Right)> ReadMerges(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Merges file '{path}' does not exist.", path);
        var merges = new List<(string, string)>();
        int lineNumber = 0;
        foreach (string line in ModelFile.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                throw new InvalidDataException($"Merges file '{path}' line {lineNumber}: expected two tokens separated by one space, got {Printable.Quote(line)}.");
            merges.Add((line[..space], line[(space + 1)..]));
        }
        return merges;
    }

    public static void Save(Gpt2Tokenizer tokenizer, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.Write(Path.Combine(directory, HfVocab), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            foreach (var (token, id) in tokenizer.Vocabulary.OrderBy(kv => kv.Value)) json.WriteNumber(token, id);
            json.WriteEndObject();
        });
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in tokenizer.Merges) merges.Append(left).Append(' ').Append(right).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(directory, HfMerges), merges.ToString());
    }
}
