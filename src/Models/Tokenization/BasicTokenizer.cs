using System.Globalization;
using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// BERT's basic tokenizer, the first stage before WordPiece, as Hugging Face's <c>BasicTokenizer</c>
/// (<c>tokenization_bert.py</c>): clean the text (delete NUL, U+FFFD and control characters, turn every
/// whitespace into a space), put spaces around CJK ideographs, NFC-normalize, split on whitespace, then per
/// word: lowercase and strip accents (NFD, drop non-spacing marks Mn) when asked, and split off every
/// punctuation character as its own word.
/// </summary>
/// <remarks>
/// Normalization is LlmForge's own (<see cref="UnicodeNormalization"/>): .NET's string.Normalize does nothing to
/// non-ASCII text under InvariantGlobalization. Lowercasing follows Python's <c>str.lower()</c>, not .NET's invariant culture, where they differ: U+0130
/// (İ) becomes "i̇" (i + U+0307) and a capital sigma at the end of a word becomes the final form ς.
/// Words in <see cref="NeverSplit"/> (the special tokens) are kept whole and never lowercased.
/// </remarks>
public sealed class BasicTokenizer
{
    private readonly HashSet<string> _neverSplit;

    /// <param name="lowerCase">do_lower_case: lowercase every word (and strip accents unless <paramref name="stripAccents"/> is false).</param>
    /// <param name="stripAccents">strip_accents: null follows <paramref name="lowerCase"/>; true or false forces it.</param>
    /// <param name="tokenizeChineseChars">tokenize_chinese_chars: each CJK ideograph becomes its own word.</param>
    /// <param name="neverSplit">never_split: words kept whole and in their case (e.g. "[MASK]").</param>
    public BasicTokenizer(bool lowerCase = true, bool? stripAccents = null, bool tokenizeChineseChars = true,
        IEnumerable<string>? neverSplit = null)
    {
        LowerCase = lowerCase;
        StripAccents = stripAccents;
        TokenizeChineseChars = tokenizeChineseChars;
        _neverSplit = new HashSet<string>(neverSplit ?? [], StringComparer.Ordinal);
    }

    /// <summary>
    /// do_lower_case: words are lowercased (Python's str.lower rules), and accents stripped unless
    /// <see cref="StripAccents"/> is false.
    /// </summary>
    public bool LowerCase { get; }

    /// <summary>
    /// strip_accents as given: null follows <see cref="LowerCase"/> (see <see cref="StripsAccents"/>).
    /// </summary>
    public bool? StripAccents { get; }

    /// <summary>tokenize_chinese_chars: each CJK ideograph becomes its own word.</summary>
    public bool TokenizeChineseChars { get; }

    /// <summary>never_split: words kept whole and in their case (ordinal comparison).</summary>
    public IReadOnlySet<string> NeverSplit => _neverSplit;

    /// <summary>Whether accents are stripped: strip_accents if set, else do_lower_case.</summary>
    public bool StripsAccents => StripAccents ?? LowerCase;

    /// <summary>"Héllo, World!" → ["hello", ",", "world", "!"] (lowercasing).</summary>
    public List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string cleaned = Clean(text);
        string normalized = UnicodeNormalization.Nfc(cleaned); // é as one code point, whichever way it was typed
        var output = new List<string>();
        foreach (string word in SplitOnWhitespace(normalized))
        {
            if (_neverSplit.Contains(word)) { output.Add(word); continue; }
            string w = word;
            if (LowerCase) w = PythonLower(w);
            if (StripsAccents) w = RemoveAccents(w);
            SplitOnPunctuation(w, output);
        }
        return output;
    }

    /// <summary>Deletes NUL, U+FFFD and control characters; every whitespace becomes " "; CJK ideographs get spaces around them.</summary>
    private string Clean(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (Rune c in BertCharacters.Runes(text))
        {
            if (c.Value is 0 or 0xFFFD || BertCharacters.IsControl(c)) continue;
            if (BertCharacters.IsWhitespace(c)) sb.Append(' ');
            else if (TokenizeChineseChars && BertCharacters.IsChineseChar(c)) sb.Append(' ').Append(c.ToString()).Append(' ');
            else sb.Append(c.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.split()</c> (no argument): runs of whitespace separate words, none are empty.</summary>
    internal static IEnumerable<string> SplitOnWhitespace(string text)
    {
        var word = new StringBuilder();
        foreach (Rune c in BertCharacters.Runes(text))
        {
            if (BertCharacters.IsSplitSpace(c))
            {
                if (word.Length > 0) { yield return word.ToString(); word.Clear(); }
            }
            else word.Append(c.ToString());
        }
        if (word.Length > 0) yield return word.ToString();
    }

    /// <summary>NFD, then drop the non-spacing marks (Mn): "café" → "cafe".</summary>
    internal static string RemoveAccents(string word)
    {
        string decomposed = UnicodeNormalization.Nfd(word);
        var sb = new StringBuilder(decomposed.Length);
        foreach (Rune c in BertCharacters.Runes(decomposed))
            if (Rune.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c.ToString());
        return sb.ToString();
    }

    /// <summary>"don't!" → "don", "'", "t", "!": each punctuation character alone, the runs between kept.</summary>
    private static void SplitOnPunctuation(string word, List<string> output)
    {
        var current = new StringBuilder();
        foreach (Rune c in BertCharacters.Runes(word))
        {
            if (BertCharacters.IsPunctuation(c))
            {
                if (current.Length > 0) { output.Add(current.ToString()); current.Clear(); }
                output.Add(c.ToString());
            }
            else current.Append(c.ToString());
        }
        if (current.Length > 0) output.Add(current.ToString());
    }

    /// <summary>
    /// Python's <c>str.lower()</c>: the simple lowercase mapping, plus the two rules of its full mapping that
    /// matter here — U+0130 → "i̇" and the final sigma (Σ → ς at the end of a cased word, σ elsewhere).
    /// </summary>
    internal static string PythonLower(string word)
    {
        var runes = BertCharacters.Runes(word).ToArray();
        var sb = new StringBuilder(word.Length);
        for (int i = 0; i < runes.Length; i++)
        {
            Rune c = runes[i];
            if (c.Value == 0x130) sb.Append("i\u0307");
            else if (c.Value == 0x3A3) sb.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            else sb.Append(Rune.ToLowerInvariant(c).ToString());
        }
        return sb.ToString();
    }

    // Unicode's Final_Sigma context: a cased letter before (skipping case-ignorables), none after.
    private static bool IsFinalSigma(Rune[] runes, int i)
    {
        int j = i - 1;
        while (j >= 0 && IsCaseIgnorable(runes[j])) j--;
        if (j < 0 || !IsCased(runes[j])) return false;
        j = i + 1;
        while (j < runes.Length && IsCaseIgnorable(runes[j])) j++;
        return j == runes.Length || !IsCased(runes[j]);
    }

    private static bool IsCased(Rune c) =>
        Rune.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        || Rune.ToLowerInvariant(c) != c || Rune.ToUpperInvariant(c) != c;

    private static bool IsCaseIgnorable(Rune c) =>
        Rune.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || c.Value is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
