using System.Text;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// BERT's tokenizer, id for id with Hugging Face's <c>BertTokenizer</c>: special tokens written in the text
/// are cut out first, the rest goes through the <see cref="BasicTokenizer"/> (cleaning, lowercasing, accent
/// stripping, punctuation and CJK splitting), then each word through WordPiece — greedy longest match
/// first against vocab.txt, pieces after the first spelled with the "##" continuation prefix, and a word
/// with no spelling (or longer than <see cref="MaxInputCharsPerWord"/> code points) becomes [UNK].
/// </summary>
/// <remarks>
/// <see cref="Encode(string)"/> returns the word pieces only (<c>encode(text, add_special_tokens=False)</c>), so
/// encoded texts concatenate; <see cref="EncodeForModel"/> builds the model input <c>[CLS] A [SEP] (B [SEP])</c>
/// with token_type_ids and attention_mask, truncated and padded. Saved as vocab.txt (one token per line, id =
/// line number) + tokenizer_config.json, the files transformers' BertTokenizer reads. Thread-safe.
/// <para>Written by hand rather than on Microsoft.ML.Tokenizers 2.0.1's BertTokenizer, which gives other ids than
/// Hugging Face on 33 of the 128 golden cases of tests/…/Fixtures/wordpiece (it drops "$", "+", "^" and "`"
/// instead of splitting them off, keeps zero-width and control characters, matches "[mask]" as [MASK], lowercases
/// without Python's final sigma, and strips no accents under InvariantGlobalization, where string.Normalize is a no-op).</para>
/// </remarks>
public sealed partial class WordPieceTokenizer : ITokenizer
{
    /// <summary>The prefix that marks a piece continuing a word ("##ing").</summary>
    public const string ContinuationPrefix = "##";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStart;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation; // "##ing" looked up as "ing"
    private readonly Dictionary<string, int> _special;

    /// <param name="vocabulary">The tokens in id order (vocab.txt's lines); the five special tokens must be among them.</param>
    /// <param name="lowerCase">do_lower_case (bert-base-uncased: true; -cased: false).</param>
    /// <param name="stripAccents">strip_accents: null follows <paramref name="lowerCase"/>.</param>
    /// <param name="tokenizeChineseChars">tokenize_chinese_chars.</param>
    /// <param name="specialTokens">The special tokens' texts (default [UNK] [SEP] [PAD] [CLS] [MASK]).</param>
    /// <param name="maxInputCharsPerWord">max_input_chars_per_word: longer words become [UNK] (default 100).</param>
    public WordPieceTokenizer(IReadOnlyList<string> vocabulary, bool lowerCase = true, bool? stripAccents = null,
        bool tokenizeChineseChars = true, WordPieceSpecialTokens? specialTokens = null, int maxInputCharsPerWord = 100)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInputCharsPerWord);
        _tokens = [.. vocabulary];
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            string token = _tokens[id] ?? throw new ArgumentException($"Vocabulary entry {id} is null.", nameof(vocabulary));
            if (!_ids.TryAdd(token, id))
                throw new ArgumentException($"Vocabulary token {Printable.Quote(token)} appears twice: ids {_ids[token]} and {id}.", nameof(vocabulary));
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
                continuation[token[ContinuationPrefix.Length..]] = id;
        }
        _wordStart = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();

        Specials = specialTokens ?? WordPieceSpecialTokens.Default;
        _special = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string s in Specials.All)
        {
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("A special token cannot be empty.", nameof(specialTokens));
            _special[s] = _ids.TryGetValue(s, out int id) ? id
                : throw new ArgumentException($"Special token {Printable.Quote(s)} is not in the {_tokens.Length}-token vocabulary.", nameof(vocabulary));
        }
        UnknownId = _special[Specials.Unknown];
        SeparatorId = _special[Specials.Separator];
        PaddingId = _special[Specials.Padding];
        ClassificationId = _special[Specials.Classification];
        MaskId = _special[Specials.Mask];
        MaxInputCharsPerWord = maxInputCharsPerWord;
        // No never_split words: special tokens are cut out before the basic tokenizer (when allowed), and
        // otherwise "[MASK]" is ordinary text ("[", "mask", "]"), as HF's split_special_tokens=True.
        Basic = new BasicTokenizer(lowerCase, stripAccents, tokenizeChineseChars);
    }

    /// <summary>Loads vocab.txt (+ tokenizer_config.json if present) from <paramref name="directory"/>.</summary>
    public static WordPieceTokenizer FromDirectory(string directory) => WordPieceTokenizerFiles.Load(directory);

    /// <inheritdoc/>
    public int VocabSize => _tokens.Length;

    /// <summary>BERT has no end-of-text token; generation does not apply.</summary>
    public int? EndOfTextId => null;

    /// <summary>The five special tokens by text.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>The five special tokens' texts ([UNK], [SEP], [PAD], [CLS], [MASK] by default).</summary>
    public WordPieceSpecialTokens Specials { get; }

    /// <summary>
    /// The pre-tokenizer (lowercasing, accents, punctuation split) run on text between special tokens.
    /// </summary>
    public BasicTokenizer Basic { get; }

    /// <summary>do_lower_case of <see cref="Basic"/>.</summary>
    public bool LowerCase => Basic.LowerCase;

    /// <summary>
    /// A word longer than this many characters becomes [UNK] whole (max_input_chars_per_word, BERT: 100).
    /// </summary>
    public int MaxInputCharsPerWord { get; }

    /// <summary>The id of [UNK]: a word the vocabulary cannot spell.</summary>
    public int UnknownId { get; }
    /// <summary>The id of [SEP], which ends each segment.</summary>
    public int SeparatorId { get; }
    /// <summary>The id of [PAD], which fills rows up to the batch's length.</summary>
    public int PaddingId { get; }
    /// <summary>The id of [CLS], which starts each input (its state feeds the pooler).</summary>
    public int ClassificationId { get; }
    /// <summary>The id of [MASK], the masked-LM placeholder.</summary>
    public int MaskId { get; }

    /// <summary>The tokens in id order (vocab.txt).</summary>
    public IReadOnlyList<string> Vocabulary => _tokens;

    /// <summary>The id of <paramref name="token"/> ("##ing"), or null.</summary>
    public int? IdOf(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    /// <summary>The token of <paramref name="id"/>.</summary>
    public string TokenOf(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {VocabSize}).");

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) => Encode(text, allowSpecialTokens: true);

    /// <summary>
    /// Basic tokenization, then greedy longest-match-first WordPiece of each word; with
    /// <paramref name="allowSpecialTokens"/>,
    /// special-token text ("[MASK]") becomes its id, else it is ordinary text. No [CLS]/[SEP] are added;
    /// <see cref="EncodeForModel"/> builds a model input.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool allowSpecialTokens)
    {
        var ids = new List<int>();
        foreach (var (piece, special) in Segments(text, allowSpecialTokens))
        {
            if (special is not null) { ids.Add(_special[special]); continue; }
            foreach (string word in Basic.Tokenize(piece))
                AppendWordPieces(word, ids);
        }
        return ids;
    }

    /// <summary>The token strings of <paramref name="text"/>: "unaffable" → ["un", "##aff", "##able"].</summary>
    public IReadOnlyList<string> Tokenize(string text, bool allowSpecialTokens = true) =>
        [.. Encode(text, allowSpecialTokens).Select(id => _tokens[id])];

    /// <summary>
    /// As Hugging Face's <c>decode</c>: tokens joined by spaces, " ##" removed, and the spaces BERT puts before
    /// ". ? ! ," and English contractions cleaned up. Lowercasing and accent stripping are not undone.
    /// </summary>
    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary><see cref="Decode(IEnumerable{int})"/>, leaving out [CLS], [SEP], [PAD], … when <paramref name="skipSpecialTokens"/>.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            string token = TokenOf(id);
            if (skipSpecialTokens && _special.ContainsKey(token)) continue;
            tokens.Add(token);
        }
        string text = string.Join(" ", tokens).Replace(" " + ContinuationPrefix, "", StringComparison.Ordinal).Trim();
        return text.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
            .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
    }

    /// <summary>The UTF-8 bytes of <see cref="Decode(IEnumerable{int})"/>'s text (WordPiece is not byte-level:
    /// lowercasing and accents are not undone).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public byte[] DecodeBytes(IEnumerable<int> ids) => Encoding.UTF8.GetBytes(Decode(ids));

    /// <summary>Writes vocab.txt and tokenizer_config.json into <paramref name="directory"/>.</summary>
    public void Save(string directory) => WordPieceTokenizerFiles.Save(this, directory);

    /// <summary>Greedy longest-match-first WordPiece of one basic-tokenized word, appended to <paramref name="ids"/>.</summary>
    private void AppendWordPieces(string word, List<int> ids)
    {
        // Offsets of the code points (Python counts characters, not UTF-16 units).
        var starts = new List<int>(word.Length + 1);
        for (int i = 0; i < word.Length; i += char.IsSurrogatePair(word, i) ? 2 : 1) starts.Add(i);
        int count = starts.Count;
        starts.Add(word.Length);
        if (count > MaxInputCharsPerWord) { ids.Add(UnknownId); return; }

        int mark = ids.Count;
        int start = 0;
        while (start < count)
        {
            int end = count, found = -1;
            while (start < end)
            {
                var piece = word.AsSpan(starts[start], starts[end] - starts[start]);
                if ((start == 0 ? _wordStart : _continuation).TryGetValue(piece, out int id)) { found = id; break; }
                end--;
            }
            if (found < 0)
            {
                ids.RemoveRange(mark, ids.Count - mark); // no spelling: the whole word is [UNK]
                ids.Add(UnknownId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    // The text cut at special tokens (the earliest, the longest if several start there), when allowed.
    private IEnumerable<(string Text, string? Special)> Segments(string text, bool allowSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        int from = 0;
        while (allowSpecialTokens)
        {
            int at = -1;
            string? found = null;
            foreach (string s in _special.Keys)
            {
                int i = text.IndexOf(s, from, StringComparison.Ordinal);
                if (i >= 0 && (at < 0 || i < at || (i == at && s.Length > found!.Length))) { at = i; found = s; }
            }
            if (found is null) break;
            if (at > from) yield return (text[from..at], null);
            yield return ("", found);
            from = at + found.Length;
        }
        if (from < text.Length) yield return (text[from..], null);
    }
}
