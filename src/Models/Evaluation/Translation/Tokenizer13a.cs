using System.Text.RegularExpressions;

namespace LlmForge.Evaluation;

/// <summary>
/// The "13a" tokenization of sacreBLEU's default BLEU (mteval-v13a.pl's): HTML entities for quotes, ampersand and angle
/// brackets unescaped, then punctuation and symbols split off, '.' and ',' split off unless they sit between digits
/// (2.4.1 and 10,000 stay whole), and a '-' after a digit split off; runs of whitespace become one space. Letters,
/// apostrophes and hyphens between letters stay inside words ("wasn't", "git-prune-packed").
/// </summary>
public static partial class Tokenizer13a
{
    /// <summary>The 13a tokens of <paramref name="line"/> joined by single spaces.</summary>
    public static string Tokenize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.Replace("<skipped>", "", StringComparison.Ordinal).Replace("-\n", "", StringComparison.Ordinal).Replace('\n', ' ');
        if (line.Contains('&'))
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal)
                       .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal);
        line = " " + line + " ";
        line = Symbols().Replace(line, " $1 ");
        line = PeriodCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The 13a tokens of <paramref name="line"/>.</summary>
    public static string[] Words(string line) => Tokenize(line).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // {|}~, [\]^_`, space to &, ( to +, : to @, and / : ASCII punctuation except ' - . , (handled below or kept in words).
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])")]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([\.,])")]
    private static partial Regex PeriodCommaAfterNonDigit();

    [GeneratedRegex(@"([\.,])([^0-9])")]
    private static partial Regex PeriodCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)")]
    private static partial Regex DashAfterDigit();
}
