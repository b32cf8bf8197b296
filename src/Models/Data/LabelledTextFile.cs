using System.Text;
using LlmForge.Diagnostics;

namespace LlmForge.Data;

/// <summary>One example of a text-classification file: the text and its label (null in a file to predict).</summary>
/// <param name="Line">1-based line of the file, for error messages.</param>
/// <param name="Text">The text to classify.</param>
/// <param name="Label">Its label; null in a file to predict.</param>
public sealed record LabelledText(string Text, string? Label, int Line);

/// <summary>
/// Reads text-classification data: one example per line, <c>text&lt;TAB&gt;label</c> (.tsv, or any file whose lines
/// hold a tab) or <c>text,label</c> (.csv, RFC 4180 quoting: <c>"a, ""quoted"" text",pos</c>). The label is the last
/// field, so a TSV text may hold tabs. A first line whose label field is "label" (any case) is a header and skipped.
/// Blank lines are skipped. A file to predict may have the text alone on each line.
/// </summary>
public static class LabelledTextFile
{
    /// <param name="labelsRequired">Every line must have a label (training and evaluation files).</param>
    /// <exception cref="InvalidDataException">A line without a label, an empty text, or a bad CSV quote; the message names the file and line.</exception>
    /// <param name="path">The .tsv or .csv file.</param>
    public static IReadOnlyList<LabelledText> Read(string path, bool labelsRequired = true)
    {
        string text = TextFile.Read(path);
        bool csv = Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);
        var examples = new List<LabelledText>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var (body, label) = csv ? SplitCsv(line, path, i + 1) : SplitTsv(line);
            if (examples.Count == 0 && label is not null && label.Trim().Equals("label", StringComparison.OrdinalIgnoreCase))
                continue; // header
            body = body.Trim();
            label = label?.Trim();
            if (body.Length == 0)
                throw new InvalidDataException($"{path}: line {i + 1} has an empty text.");
            if (labelsRequired && string.IsNullOrEmpty(label))
                throw new InvalidDataException(
                    $"{path}: line {i + 1} has no label; expected text{(csv ? "," : "<TAB>")}label, got {Printable.Quote(line, 60)}.");
            examples.Add(new LabelledText(body, string.IsNullOrEmpty(label) ? null : label, i + 1));
        }
        if (examples.Count == 0) throw new InvalidDataException($"{path}: no examples.");
        return examples;
    }

    /// <summary>The distinct labels, ordinally sorted: class id i is the i-th.</summary>
    public static IReadOnlyList<string> Labels(IEnumerable<LabelledText> examples) =>
        [.. examples.Select(e => e.Label).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static (string Text, string? Label) SplitTsv(string line)
    {
        int tab = line.LastIndexOf('\t');
        return tab < 0 ? (line, null) : (line[..tab], line[(tab + 1)..]);
    }

    private static (string Text, string? Label) SplitCsv(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted) { quoted = wasQuoted = true; }
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); wasQuoted = false; }
            else if (wasQuoted && !char.IsWhiteSpace(c))
                throw new InvalidDataException($"{path}: line {lineNumber}: text after a closing quote at column {i + 1}.");
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{path}: line {lineNumber}: a quoted field is not closed (a CSV field cannot span lines here).");
        fields.Add(field.ToString());
        return fields.Count switch
        {
            1 => (fields[0], null),
            2 => (fields[0], fields[1]),
            _ => throw new InvalidDataException(
                $"{path}: line {lineNumber} has {fields.Count} fields; expected text,label (quote a text that holds commas: \"a, b\",label)."),
        };
    }

}
