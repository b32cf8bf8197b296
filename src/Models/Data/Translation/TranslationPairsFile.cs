using LlmForge.Diagnostics;

namespace LlmForge.Data;

/// <summary>
/// Reads a translation corpus: one pair per line, <c>source&lt;TAB&gt;target</c> (UTF-8). Fields are trimmed; quotes are
/// ordinary characters (a TSV field is never quoted: <c>"numeric"</c> and « numeric » stay as written); blank lines are
/// skipped, and so is a first line <c>source&lt;TAB&gt;target</c> (a header). Every other line must hold exactly one tab
/// and two non-empty fields.
/// </summary>
public static class TranslationPairsFile
{
    /// <summary>The pairs of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">A line without a tab, with more than one, or with an empty field; a file
    /// that is not UTF-8 or holds no pair. One line naming the file and the line number.</exception>
    public static IReadOnlyList<TranslationPair> Read(string path)
    {
        string text = TextFile.Read(path, "Pairs file", allowEmpty: true);
        var pairs = new List<TranslationPair>();
        int lineNumber = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            string line = text[range].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            int tab = line.IndexOf('\t');
            if (tab < 0)
                throw new InvalidDataException($"{path}: line {lineNumber} has no tab; expected source<TAB>target, got {Printable.Quote(line, 60)}.");
            if (line.IndexOf('\t', tab + 1) >= 0)
                throw new InvalidDataException($"{path}: line {lineNumber} has {line.Count(c => c == '\t') + 1} tab-separated fields; expected source<TAB>target.");
            string source = line[..tab].Trim(), target = line[(tab + 1)..].Trim();
            if (pairs.Count == 0 && source.Equals("source", StringComparison.OrdinalIgnoreCase) && target.Equals("target", StringComparison.OrdinalIgnoreCase))
                continue; // header
            if (source.Length == 0 || target.Length == 0)
                throw new InvalidDataException($"{path}: line {lineNumber} has an empty {(source.Length == 0 ? "source" : "target")}.");
            pairs.Add(new TranslationPair(source, target, lineNumber));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{path}: no source<TAB>target pairs.");
        return pairs;
    }
}
