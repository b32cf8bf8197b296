using System.Globalization;
using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// GPT-2's pre-tokenizer: splits text into the chunks BPE runs on, exactly as Python's <c>regex</c>
/// module applies <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>
/// (OpenAI's <c>encoder.py</c>). Hand-written over code points rather than a .NET <c>Regex</c>
/// because .NET regexes see UTF-16 units: a letter outside the BMP (𝐀, 𠀀) is two surrogates of
/// category Cs there, not <c>\p{L}</c>, which would split "a𝐀b" into three chunks where GPT-2 makes one.
/// </summary>
/// <remarks>
/// <c>\s</c> is Unicode White_Space (what the <c>regex</c> module uses, = <see cref="Rune.IsWhiteSpace"/>);
/// JavaScript's <c>\s</c> also counts U+FEFF, so JS ports differ there. An unpaired surrogate is
/// treated as U+FFFD (a symbol), which is also how its UTF-8 bytes are written.
/// </remarks>
public static class Gpt2PreTokenizer
{
    private enum CharClass : byte { Letter, Number, Space, Other }

    private static readonly CharClass[] AsciiClass = BuildAsciiClasses();

    /// <summary>Splits <paramref name="text"/> into pre-tokens (for inspection and tests; the tokenizer uses <see cref="NextLength"/>).</summary>
    public static List<string> Split(string text)
    {
        var chunks = new List<string>();
        for (int i = 0; i < text.Length;)
        {
            int n = NextLength(text, i);
            chunks.Add(text.Substring(i, n));
            i += n;
        }
        return chunks;
    }

    /// <summary>Length in UTF-16 units of the pre-token starting at <paramref name="start"/> (&lt; text.Length).</summary>
    public static int NextLength(ReadOnlySpan<char> text, int start)
    {
        char c = text[start];

        // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive, tried first at every position)
        if (c == '\'' && start + 1 < text.Length)
        {
            char d = text[start + 1];
            if (d is 's' or 't' or 'm' or 'd') return 2;
            if (start + 2 < text.Length && ((d is 'r' or 'v' && text[start + 2] == 'e') || (d == 'l' && text[start + 2] == 'l')))
                return 3;
        }

        // ` ?X+` for X = \p{L}, \p{N}, [^\s\p{L}\p{N}]: an optional single space (U+0020 only) then a run.
        int p = start;
        CharClass cls = ClassAt(text, p, out int width);
        if (c == ' ' && start + 1 < text.Length)
        {
            CharClass next = ClassAt(text, start + 1, out int nextWidth);
            if (next != CharClass.Space) { p = start + 1; cls = next; width = nextWidth; }
        }
        if (cls != CharClass.Space)
        {
            p += width;
            while (p < text.Length && ClassAt(text, p, out width) == cls) p += width;
            return p - start;
        }

        // \s+(?!\S) | \s+ : a whitespace run; if a non-space follows, leave the run's last character
        // to start the next chunk (so " the" keeps its space), unless the run is that one character.
        int end = start + 1;
        while (end < text.Length && ClassAt(text, end, out _) == CharClass.Space) end++;
        if (end == text.Length || end - start == 1) return end - start;
        return end - 1 - start;
    }

    private static CharClass ClassAt(ReadOnlySpan<char> text, int i, out int width)
    {
        char c = text[i];
        if (c < 128) { width = 1; return AsciiClass[c]; }
        if (!char.IsSurrogate(c)) { width = 1; return ClassOf(new Rune(c)); }
        if (Rune.DecodeFromUtf16(text[i..], out Rune rune, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1; // unpaired surrogate: U+FFFD, a symbol
            return CharClass.Other;
        }
        return ClassOf(rune);
    }

    private static CharClass ClassOf(Rune r)
    {
        if (Rune.IsWhiteSpace(r)) return CharClass.Space;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    private static CharClass[] BuildAsciiClasses()
    {
        var classes = new CharClass[128];
        for (int c = 0; c < 128; c++) classes[c] = ClassOf(new Rune(c));
        return classes;
    }
}
