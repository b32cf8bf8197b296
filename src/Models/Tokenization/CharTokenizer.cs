using System.Globalization;
using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// One token per character (Unicode code point), nanoGPT's <c>shakespeare_char</c>: the vocabulary
/// is the sorted distinct characters of a corpus (<c>chars = sorted(list(set(data)))</c>, 65 for
/// tinyshakespeare), id = position in that list. No special tokens.
/// </summary>
/// <remarks>
/// Saved as <c>tokenizer.json</c>: <c>{"type": "char", "chars": "\n !$&amp;',-.3:;?AB…"}</c>.
/// Characters are code points (a Python <c>str</c> element), so an emoji outside the BMP is one
/// token, not two UTF-16 surrogates.
/// </remarks>
public sealed class CharTokenizer : ITokenizer
{
    private readonly int[] _codePoints;                  // id → code point, ascending
    private readonly Dictionary<int, int> _idOfCodePoint; // code point → id
    private static readonly IReadOnlyDictionary<string, int> NoSpecialTokens = new Dictionary<string, int>();

    /// <summary>Creates the tokenizer over the given characters (any order, duplicates removed, sorted by code point).</summary>
    public CharTokenizer(string characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        _codePoints = [.. CodePoints(characters, nameof(characters)).Distinct().Order()];
        if (_codePoints.Length == 0)
            throw new ArgumentException("A char tokenizer needs at least one character.", nameof(characters));
        _idOfCodePoint = new Dictionary<int, int>(_codePoints.Length);
        for (int i = 0; i < _codePoints.Length; i++) _idOfCodePoint[_codePoints[i]] = i;
    }

    /// <summary>Builds the vocabulary from every distinct character of <paramref name="corpus"/>.</summary>
    public static CharTokenizer FromCorpus(string corpus) => new(corpus);

    /// <summary>The vocabulary as a string, in id order.</summary>
    public string Characters
    {
        get
        {
            var sb = new StringBuilder(_codePoints.Length);
            foreach (int cp in _codePoints) sb.Append(char.ConvertFromUtf32(cp));
            return sb.ToString();
        }
    }

    /// <inheritdoc/>
    public int VocabSize => _codePoints.Length;
    /// <summary>Always null: a char vocabulary has no end-of-text token.</summary>
    public int? EndOfTextId => null;
    /// <summary>Always empty: every id is one character.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => NoSpecialTokens;

    /// <summary>One id per character (code point); there are no special tokens to recognize.</summary>
    /// <exception cref="ArgumentException">A character outside the vocabulary, named with its index.</exception>
    public IReadOnlyList<int> Encode(string text) => Encode(text, allowSpecialTokens: true);

    /// <summary>Encodes each character; a character outside the vocabulary throws, naming it and its index.</summary>
    public IReadOnlyList<int> Encode(string text, bool allowSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        int index = 0;
        foreach (int cp in CodePoints(text, nameof(text)))
        {
            if (!_idOfCodePoint.TryGetValue(cp, out int id))
                throw new ArgumentException(
                    $"Character {Describe(cp)} at index {index} of the text is not in the char tokenizer's " +
                    $"{VocabSize}-character vocabulary (built from the training corpus).", nameof(text));
            ids.Add(id);
            index += cp > 0xFFFF ? 2 : 1;
        }
        return ids;
    }

    /// <summary>The characters of <paramref name="ids"/>, concatenated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, <see cref="VocabSize"/>).</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (int id in ids) sb.Append(char.ConvertFromUtf32(CodePointOf(id)));
        return sb.ToString();
    }

    /// <summary>The UTF-8 bytes of <see cref="Decode"/>'s text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, <see cref="VocabSize"/>).</exception>
    public byte[] DecodeBytes(IEnumerable<int> ids) => Encoding.UTF8.GetBytes(Decode(ids));

    /// <summary>Writes <c>tokenizer.json</c> (<c>{"type":"char","chars":"…"}</c>) into <paramref name="directory"/>.</summary>
    public void Save(string directory) => TokenizerFiles.SaveChar(this, directory);

    private int CodePointOf(int id)
    {
        if ((uint)id >= (uint)_codePoints.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the char vocabulary [0, {VocabSize}).");
        return _codePoints[id];
    }

    private static string Describe(int cp)
    {
        string shown = cp switch
        {
            '\n' => "\\n", '\r' => "\\r", '\t' => "\\t",
            _ when Rune.GetUnicodeCategory(new Rune(cp)) is UnicodeCategory.Control or UnicodeCategory.Format => "",
            _ => char.ConvertFromUtf32(cp),
        };
        return shown.Length > 0 ? $"'{shown}' (U+{cp:X4})" : $"U+{cp:X4}";
    }

    // Code points of a string; an unpaired surrogate is an error (it is not a character).
    private static IEnumerable<int> CodePoints(string s, string paramName)
    {
        for (int i = 0; i < s.Length;)
        {
            if (Rune.DecodeFromUtf16(s.AsSpan(i), out Rune rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException($"Unpaired UTF-16 surrogate U+{(int)s[i]:X4} at index {i}: not a character.", paramName);
            yield return rune.Value;
            i += used;
        }
    }
}
