using System.Text;
using System.Text.Json;

namespace LlmForge.Data;

/// <summary>
/// Reads instruction data (<see cref="InstructionExample"/>) in either of the two shapes such sets come in: JSON Lines
/// (<c>.jsonl</c>, one object per line, blank lines skipped) or one JSON array of objects (Alpaca's
/// <c>alpaca_data.json</c>, Raschka's <c>instruction-data.json</c>); a file whose first non-blank character is
/// <c>[</c> is read as an array. Each object needs string <c>instruction</c> and <c>output</c> keys; <c>input</c> may
/// be missing, null or empty. Other keys are ignored.
/// </summary>
public static class InstructionDataFile
{
    /// <summary>The role messages give the file.</summary>
    public const string Role = "Instruction data file";

    /// <summary>Every example of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">
    /// Invalid JSON, an element that is not an object, or a missing or non-string key: one message naming the file,
    /// the line and the key ("data.jsonl: line 7: key "output" is missing.").
    /// </exception>
    public static IReadOnlyList<InstructionExample> Read(string path)
    {
        string text = TextFile.Read(path, Role, allowEmpty: false);
        var examples = text.TrimStart().StartsWith('[') ? ReadArray(text, path) : ReadLines(text, path);
        return examples.Count > 0 ? examples : throw new InvalidDataException($"{path}: no instruction examples.");
    }

    /// <summary>Parses JSON Lines text: one object per non-blank line.</summary>
    public static List<InstructionExample> ReadLines(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var examples = new List<InstructionExample>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                examples.Add(FromElement(document.RootElement, source, i + 1));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: line {i + 1}: not valid JSON ({e.Message}).", e);
            }
        }
        return examples;
    }

    /// <summary>Parses a JSON array of objects; each example's line is where its object starts.</summary>
    public static List<InstructionExample> ReadArray(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var examples = new List<InstructionExample>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        int LineAt(long offset) => 1 + utf8.AsSpan(0, (int)offset).Count((byte)'\n');
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new InvalidDataException($"{source}: line 1: expected a JSON array of objects.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int line = LineAt(reader.TokenStartIndex);
                using var element = JsonDocument.ParseValue(ref reader);
                examples.Add(FromElement(element.RootElement, source, line));
            }
            if (reader.Read())
                throw new InvalidDataException($"{source}: line {LineAt(reader.TokenStartIndex)}: text after the array's end.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: line {(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message}).", e);
        }
        return examples;
    }

    private static InstructionExample FromElement(JsonElement element, string source, int line)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: line {line}: expected an object with \"instruction\", \"input\" and \"output\" keys, got {element.ValueKind.ToString().ToLowerInvariant()}.");
        string Key(string name, bool required)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                return required ? throw new InvalidDataException($"{source}: line {line}: key \"{name}\" is missing.") : "";
            if (value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{source}: line {line}: key \"{name}\" must be a string, got {value.ValueKind.ToString().ToLowerInvariant()}.");
            string s = value.GetString()!;
            if (required && s.Trim().Length == 0) throw new InvalidDataException($"{source}: line {line}: key \"{name}\" is empty.");
            return s;
        }
        return new InstructionExample(Key("instruction", true), Key("input", false), Key("output", true), line);
    }
}
