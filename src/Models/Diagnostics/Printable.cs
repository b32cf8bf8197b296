using System.Globalization;
using System.Text;

namespace LlmForge.Diagnostics;

/// <summary>
/// Makes file content safe to print in a one-line message: a garbage <c>merges.txt</c> line or vocabulary token
/// may hold terminal escape sequences (ESC [ …), carriage returns that overwrite the line, bidi overrides or line
/// separators. Every message that quotes a file's content goes through <see cref="Quote"/>; the command line
/// passes every message it prints through <see cref="Sanitize"/> as a last resort.
/// </summary>
public static class Printable
{
    /// <summary>How many characters of content a message quotes before it cuts the rest.</summary>
    public const int DefaultMaxLength = 80;

    /// <summary>
    /// <paramref name="content"/> in single quotes, escaped as <see cref="Escape(string, int)"/> does.
    /// </summary>
    public static string Quote(string? content, int maxLength = DefaultMaxLength) =>
        content is null ? "null" : "'" + Escape(content, maxLength, out string cut) + "'" + cut;

    /// <summary>
    /// <paramref name="content"/> escaped: C0 and C1 controls, DEL, format characters (bidi overrides, zero-width),
    /// line and paragraph separators, U+FFFD (the mark of undecodable bytes) and unpaired surrogates become
    /// <c>\xNN</c> / <c>\uNNNN</c>; content longer than <paramref name="maxLength"/> characters is cut, saying how
    /// much was left out. For content already delimited in its message (a JSON value's raw text).
    /// </summary>
    public static string Escape(string content, int maxLength = DefaultMaxLength) => Escape(content, maxLength, out string cut) + cut;

    private static string Escape(string content, int maxLength, out string cut)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        int shown = Math.Min(content.Length, maxLength);
        // Never cut between the two halves of a surrogate pair.
        if (shown < content.Length && char.IsHighSurrogate(content[shown - 1]) && char.IsLowSurrogate(content[shown])) shown--;
        var text = new StringBuilder(shown + 8);
        Append(text, content.AsSpan(0, shown));
        cut = shown < content.Length ? $"… (+{content.Length - shown} more characters)" : "";
        return text.ToString();
    }

    /// <summary>
    /// A whole message with its unprintable characters escaped as in <see cref="Escape(string, int)"/>, never cut. Newlines too:
    /// a message printed with it is one line.
    /// </summary>
    public static string Sanitize(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!NeedsEscape(message)) return message;
        var text = new StringBuilder(message.Length + 16);
        Append(text, message);
        return text.ToString();
    }

    private static bool NeedsEscape(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
            if (Unprintable(s, i, out _)) return true;
        return false;
    }

    private static void Append(StringBuilder text, ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (Unprintable(s, i, out bool pair))
                text.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            else
            {
                text.Append(c);
                if (pair) text.Append(s[++i]);
            }
        }
    }

    // Whether s[i] must be escaped; pair: s[i] starts a valid surrogate pair (printed as is, both halves).
    private static bool Unprintable(ReadOnlySpan<char> s, int i, out bool pair)
    {
        char c = s[i];
        pair = false;
        if (char.IsHighSurrogate(c))
        {
            pair = i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
            return !pair;
        }
        if (char.IsLowSurrogate(c)) return true; // its high half would have taken it
        if (c < 0x20 || c == 0x7F || c == '\uFFFD') return true;
        if (c < 0x80) return false;
        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
