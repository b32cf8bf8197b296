using System.Globalization;
using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// The character classes of BERT's basic tokenizer, as Hugging Face's <c>tokenization_bert.py</c>
/// (<c>_is_whitespace</c>, <c>_is_control</c>, <c>_is_punctuation</c>, <c>_is_chinese_char</c>) defines them
/// over Unicode general categories. All work on code points (<see cref="Rune"/>), as Python's <c>str</c> does.
/// </summary>
public static class BertCharacters
{
    /// <summary>Space, \t, \n, \r, or a space separator (Zs).</summary>
    public static bool IsWhitespace(Rune c) =>
        c.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator;

    /// <summary>
    /// Any "C*" category (control, format, surrogate, private use, unassigned) except \t, \n and \r, which
    /// count as whitespace. The basic tokenizer deletes these.
    /// </summary>
    public static bool IsControl(Rune c)
    {
        if (c.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>
    /// Every non-alphanumeric ASCII character (so "$", "+", "^", "`" split too, though Unicode does not call
    /// them punctuation), or any "P*" category.
    /// </summary>
    public static bool IsPunctuation(Rune c)
    {
        int cp = c.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>
    /// A CJK Unified Ideograph (the blocks BERT lists: U+4E00–9FFF, extensions A–E, the compatibility
    /// ideographs). Not Hiragana, Katakana or Hangul, which are written with spaces or split by WordPiece.
    /// </summary>
    public static bool IsChineseChar(Rune c)
    {
        int cp = c.Value;
        return cp is >= 0x4E00 and <= 0x9FFF
            or >= 0x3400 and <= 0x4DBF
            or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F
            or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF
            or >= 0x2F800 and <= 0x2FA1F;
    }

    /// <summary>
    /// Python's <c>str.isspace()</c> on text already cleaned of control characters: BERT's whitespace plus
    /// the line and paragraph separators (Zl, Zp), which <c>str.split()</c> also splits on.
    /// </summary>
    internal static bool IsSplitSpace(Rune c) =>
        IsWhitespace(c) || Rune.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>The code points of <paramref name="text"/>; an unpaired surrogate comes back as itself (category Cs).</summary>
    internal static IEnumerable<Rune> Runes(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used) == System.Buffers.OperationStatus.Done)
            {
                yield return rune;
                i += used;
            }
            else
            {
                yield return Rune.ReplacementChar; // unpaired surrogate: deleted by cleaning, like U+FFFD
                i++;
            }
        }
    }
}
