using System.Text;

namespace LlmForge.Plotting;

/// <summary>
/// A plain-text table for the console: a header row, a rule, then rows; each column as wide as its widest cell,
/// text left-aligned and numbers (cells that start with a digit, a sign or a dot) right-aligned.
/// </summary>
public sealed class TextTable
{
    private readonly string[] headers;
    private readonly List<string[]> rows = [];

    /// <summary>A table with these column headers.</summary>
    public TextTable(params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        this.headers = headers;
    }

    /// <summary>Appends one row; it must have one cell per column.</summary>
    /// <exception cref="ArgumentException">The cell count differs from the header count.</exception>
    public TextTable Add(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != headers.Length)
            throw new ArgumentException($"TextTable: a row of {cells.Length} cells for {headers.Length} columns.", nameof(cells));
        rows.Add(cells);
        return this;
    }

    /// <summary>The table, one line per row, lines ending with '\n'.</summary>
    public override string ToString()
    {
        int[] widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
            for (int c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var text = new StringBuilder();
        void Line(string[] cells)
        {
            for (int c = 0; c < cells.Length; c++)
            {
                if (c > 0) text.Append("  ");
                text.Append(IsNumber(cells[c]) ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            }
            while (text.Length > 0 && text[^1] == ' ') text.Length--; // no trailing blanks after a left-aligned last cell
            text.Append('\n');
        }
        Line(headers);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in rows) Line(row);
        return text.ToString();
    }

    private static bool IsNumber(string cell) =>
        cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || (cell[0] is '-' or '+' or '.' or '−' && cell.Length > 1 && (char.IsAsciiDigit(cell[1]) || cell[1] == '.')));
}
