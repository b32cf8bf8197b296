using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmForge.Tokenization;

/// <summary>
/// A tokenizer.json <c>Split</c> regex run with code-point semantics, as the tokenizers library's Oniguruma runs it.
/// .NET's <see cref="Regex"/> sees UTF-16 units, so a character outside the BMP (an emoji, 𝐀) is two surrogates that
/// match no <c>\p{L}</c>/<c>\p{N}</c> and can split between alternatives differently ("😀a": one piece for
/// <c>[^\r\n\p{L}\p{N}]?\p{L}+</c> in Rust, two in .NET). Such text is matched on a stand-in string where each
/// supplementary character is one BMP character of the same Unicode category, and the matches mapped back.
/// </summary>
internal sealed class CodePointRegex(Regex regex)
{
    private static readonly Dictionary<UnicodeCategory, char> StandIn = new()
    {
        [UnicodeCategory.UppercaseLetter] = 'Ω', [UnicodeCategory.LowercaseLetter] = 'ω',
        [UnicodeCategory.TitlecaseLetter] = 'ǅ', [UnicodeCategory.ModifierLetter] = 'ʰ',
        [UnicodeCategory.OtherLetter] = 'あ', [UnicodeCategory.NonSpacingMark] = '\u0301',
        [UnicodeCategory.SpacingCombiningMark] = '\u0903', [UnicodeCategory.EnclosingMark] = '\u20DD',
        [UnicodeCategory.DecimalDigitNumber] = '٣', [UnicodeCategory.LetterNumber] = 'Ⅻ',
        [UnicodeCategory.OtherNumber] = '²', [UnicodeCategory.Format] = '\u00AD',
        [UnicodeCategory.PrivateUse] = '\uE000', [UnicodeCategory.OtherNotAssigned] = '\u0378',
        [UnicodeCategory.MathSymbol] = '±', [UnicodeCategory.CurrencySymbol] = '¢',
        [UnicodeCategory.ModifierSymbol] = '˂', [UnicodeCategory.OtherSymbol] = '©',
        [UnicodeCategory.ConnectorPunctuation] = '‿', [UnicodeCategory.DashPunctuation] = '‐',
        [UnicodeCategory.OpenPunctuation] = '⁅', [UnicodeCategory.ClosePunctuation] = '⁆',
        [UnicodeCategory.InitialQuotePunctuation] = '«', [UnicodeCategory.FinalQuotePunctuation] = '»',
        [UnicodeCategory.OtherPunctuation] = '¶',
    };

    /// <summary>The (start, length) of every match in <paramref name="piece"/>, in UTF-16 units of <paramref name="piece"/>.</summary>
    public List<(int Start, int Length)> Matches(ReadOnlyMemory<char> piece)
    {
        var text = piece.Span;
        var matches = new List<(int, int)>();
        if (!HasSurrogate(text))
        {
            foreach (var m in regex.EnumerateMatches(text)) matches.Add((m.Index, m.Length));
            return matches;
        }
        // offsets[k] = index in text of stand-in character k; offsets[^1] = text.Length.
        var standIn = new StringBuilder(text.Length);
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            offsets.Add(i);
            if (Rune.DecodeFromUtf16(text[i..], out Rune rune, out int width) != System.Buffers.OperationStatus.Done)
            {
                standIn.Append('\uFFFD'); i++; // unpaired surrogate: U+FFFD, as it is encoded
                continue;
            }
            standIn.Append(width == 1 ? text[i] : StandIn.GetValueOrDefault(Rune.GetUnicodeCategory(rune), '©'));
            i += width;
        }
        offsets.Add(text.Length);
        string mapped = standIn.ToString();
        foreach (Match m in regex.Matches(mapped))
            matches.Add((offsets[m.Index], offsets[m.Index + m.Length] - offsets[m.Index]));
        return matches;
    }

    private static bool HasSurrogate(ReadOnlySpan<char> text) => text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
}
