using System.Collections.Concurrent;
using System.Text;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE tokenizer, id for id: text → pre-tokens (<see cref="Gpt2PreTokenizer"/>)
/// → UTF-8 bytes → byte tokens → BPE merges by rank (<see cref="BpeMergeTable"/>). Loads OpenAI's
/// <c>encoder.json</c> + <c>vocab.bpe</c> or the same content under Hugging Face's names
/// <c>vocab.json</c> + <c>merges.txt</c>; saves the latter. Also the format <see cref="BpeTrainer"/> produces.
/// </summary>
/// <remarks>
/// Text is encoded as UTF-8 first; a .NET string's unpaired surrogate (not valid Unicode) becomes
/// U+FFFD, as tiktoken does. Every other string round-trips: <c>Decode(Encode(s)) == s</c>. Bytes that are
/// not UTF-8 at all (a file read as bytes) go through <see cref="EncodeBytes"/>, which round-trips any bytes:
/// <c>DecodeBytes(EncodeBytes(b)) == b</c>.
/// Thread-safe: the pre-token cache is concurrent and the merge workspace is per thread.
/// </remarks>
public sealed class Gpt2Tokenizer : IByteLevelTokenizer
{
    /// <summary>GPT-2's end-of-text token, also its document separator.</summary>
    public const string EndOfText = "<|endoftext|>";

    private const int MaxCachedLength = 128; // longer pre-tokens are rare repeats: not cached
    private const int MaxCacheEntries = 1 << 18;

    private readonly Dictionary<string, int> _vocab;
    private readonly (string Left, string Right)[] _merges;
    private readonly Dictionary<string, int> _special;
    private readonly BpeMergeTable _table;
    private readonly int[] _idOfByte = new int[256];
    private readonly byte[]?[] _bytesOfId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cacheEntries;

    /// <summary>
    /// Builds the tokenizer from a vocabulary (token string in the byte-level alphabet → id) and
    /// merges in rank order. <paramref name="specialTokens"/> (default: <c>&lt;|endoftext|&gt;</c> if the
    /// vocabulary has it) must be vocabulary entries; they are matched as whole strings, never BPE'd.
    /// </summary>
    public Gpt2Tokenizer(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges,
        IEnumerable<string>? specialTokens = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(merges);
        _vocab = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        _merges = [.. merges];

        int maxId = -1;
        var tokenOfId = new Dictionary<int, string>(_vocab.Count);
        foreach (var (token, id) in _vocab)
        {
            if (id < 0) throw new ArgumentException($"Vocabulary token {Printable.Quote(token)} has a negative id {id}.", nameof(vocabulary));
            if (!tokenOfId.TryAdd(id, token))
                throw new ArgumentException($"Vocabulary tokens {Printable.Quote(tokenOfId[id])} and {Printable.Quote(token)} share id {id}.", nameof(vocabulary));
            maxId = Math.Max(maxId, id);
        }
        VocabSize = maxId + 1;

        for (int b = 0; b < 256; b++)
        {
            string byteToken = ByteLevelAlphabet.ToChar((byte)b).ToString();
            if (!_vocab.TryGetValue(byteToken, out _idOfByte[b]))
                throw new ArgumentException(
                    $"Vocabulary lacks the byte-level token '{byteToken}' for byte 0x{b:X2}: a byte-level BPE vocabulary holds all 256 bytes.",
                    nameof(vocabulary));
        }

        _table = new BpeMergeTable(_merges.Length);
        for (int rank = 0; rank < _merges.Length; rank++)
        {
            var (left, right) = _merges[rank];
            int leftId = IdOrThrow(left, rank), rightId = IdOrThrow(right, rank), mergedId = IdOrThrow(left + right, rank);
            _table.TryAdd(leftId, rightId, rank, mergedId); // a repeated merge keeps its first (lowest) rank
        }

        _special = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string s in specialTokens ?? (_vocab.ContainsKey(EndOfText) ? [EndOfText] : []))
        {
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("A special token cannot be empty.", nameof(specialTokens));
            if (!_vocab.TryGetValue(s, out int id))
                throw new ArgumentException($"Special token {Printable.Quote(s)} is not in the vocabulary.", nameof(specialTokens));
            _special[s] = id;
        }
        EndOfTextId = _special.TryGetValue(EndOfText, out int eot) ? eot : null;

        _bytesOfId = new byte[VocabSize][];
        foreach (var (token, id) in _vocab)
            _bytesOfId[id] = _special.ContainsKey(token) ? Encoding.UTF8.GetBytes(token)
                : ByteLevelAlphabet.ToBytes(token) ?? Encoding.UTF8.GetBytes(token); // an added non-byte-level token: its text
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Loads from a directory holding <c>vocab.json</c> + <c>merges.txt</c> or <c>encoder.json</c> + <c>vocab.bpe</c>.</summary>
    public static Gpt2Tokenizer FromDirectory(string directory) => Gpt2TokenizerFiles.Load(directory);

    /// <summary>Loads from a vocabulary JSON (<c>encoder.json</c> / <c>vocab.json</c>) and a merges file (<c>vocab.bpe</c> / <c>merges.txt</c>).</summary>
    public static Gpt2Tokenizer FromFiles(string vocabularyPath, string mergesPath) => Gpt2TokenizerFiles.Load(vocabularyPath, mergesPath);

    /// <inheritdoc/>
    public int VocabSize { get; }
    /// <inheritdoc/>
    public int? EndOfTextId { get; }
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>Token string (byte-level alphabet: "Ġthe") → id.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    /// <summary>Merge rules in rank order.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges => _merges;

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) => Encode(text, allowSpecialTokens: true);

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool allowSpecialTokens)
        => ByteLevelIds.EncodeText(text, (t, ids) => EncodeText(t, allowSpecialTokens, ids));

    /// <summary>
    /// Encodes raw bytes (see <see cref="IByteLevelTokenizer"/>): valid UTF-8 runs as their text (special tokens
    /// included), each run of bytes that are not UTF-8 as one pre-token of byte tokens, merged by rank like any other.
    /// </summary>
    public IReadOnlyList<int> EncodeBytes(ReadOnlySpan<byte> bytes, bool allowSpecialTokens = true) =>
        ByteLevelIds.EncodeBytes(bytes, (text, ids) => EncodeText(text, allowSpecialTokens, ids), this);

    private void EncodeText(ReadOnlySpan<char> rest, bool allowSpecialTokens, List<int> ids)
    {
        while (allowSpecialTokens && _special.Count > 0 && FindSpecial(rest, out int at, out string? special))
        {
            EncodeOrdinary(rest[..at], ids); // pre-tokens never cross a special token
            ids.Add(_special[special!]);
            rest = rest[(at + special!.Length)..];
        }
        EncodeOrdinary(rest, ids);
    }

    /// <summary>The text of <paramref name="ids"/>: their bytes decoded as UTF-8, invalid sequences (a character cut
    /// between tokens) as U+FFFD.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id not in the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    /// <summary>The raw bytes of <paramref name="ids"/>, exactly the bytes they were encoded from (byte-level: any
    /// sequence round-trips).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id not in the vocabulary.</exception>
    public byte[] DecodeBytes(IEnumerable<int> ids) => ByteLevelIds.Concat(ids, _bytesOfId);

    /// <summary>Writes Hugging Face's <c>vocab.json</c> + <c>merges.txt</c> into <paramref name="directory"/>.</summary>
    public void Save(string directory) => Gpt2TokenizerFiles.Save(this, directory);

    private void EncodeOrdinary(ReadOnlySpan<char> text, List<int> ids)
    {
        for (int i = 0; i < text.Length;)
        {
            int length = Gpt2PreTokenizer.NextLength(text, i);
            AppendPreToken(text.Slice(i, length), ids);
            i += length;
        }
    }

    /// <summary>
    /// Appends the ids of one pre-token (its UTF-8 bytes merged by rank, through the cache): the byte-level BPE
    /// step shared with <see cref="HuggingFaceBpeTokenizer"/>, which splits text by its own pre-tokenizer.
    /// </summary>
    internal void AppendPreToken(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_cacheBySpan.TryGetValue(piece, out int[]? cached)) { ids.AddRange(cached); return; }

        // UTF-8 bytes → byte tokens → merges. Encoding.UTF8 writes U+FFFD for an unpaired surrogate.
        Span<byte> utf8 = stackalloc byte[4 * MaxCachedLength];
        int byteCount = Encoding.UTF8.GetByteCount(piece);
        Span<byte> bytes = byteCount <= utf8.Length ? utf8[..byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(piece, bytes);
        int[] merged = MergeBytes(bytes);
        ids.AddRange(merged);

        if (piece.Length <= MaxCachedLength)
        {
            // Bounded: a long-running server must not grow without limit. (ConcurrentDictionary.Count
            // takes every lock, hence the separate counter.)
            if (Interlocked.Increment(ref _cacheEntries) > MaxCacheEntries)
            {
                _cache.Clear();
                Interlocked.Exchange(ref _cacheEntries, 0);
            }
            _cacheBySpan.TryAdd(piece, merged);
        }
    }

    // One pre-token's bytes → byte tokens → merges by rank.
    internal int[] MergeBytes(ReadOnlySpan<byte> bytes)
    {
        int[] symbols = new int[bytes.Length];
        for (int k = 0; k < bytes.Length; k++) symbols[k] = _idOfByte[bytes[k]];
        int n = _table.Apply(symbols);
        return n == symbols.Length ? symbols : symbols[..n];
    }

    // Earliest special token in text (the longest one if several start there).
    private bool FindSpecial(ReadOnlySpan<char> text, out int at, out string? found)
    {
        at = -1; found = null;
        foreach (string s in _special.Keys)
        {
            int i = text.IndexOf(s.AsSpan(), StringComparison.Ordinal);
            if (i >= 0 && (at < 0 || i < at || (i == at && s.Length > found!.Length))) { at = i; found = s; }
        }
        return at >= 0;
    }

    private int IdOrThrow(string token, int rank) =>
        _vocab.TryGetValue(token, out int id) ? id
            : throw new ArgumentException($"Merge #{rank} ({Printable.Quote(_merges[rank].Left)} {Printable.Quote(_merges[rank].Right)}) uses token {Printable.Quote(token)}, which is not in the vocabulary.", "merges");
}
