using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// A SentencePiece-style BPE tokenizer read from a Hugging Face <c>tokenizer.json</c> (Llama 2, TinyLlama, Mistral):
/// BPE over Unicode characters rather than bytes, spaces written "▁" (by the normalizer <c>Prepend("▁")</c> +
/// <c>Replace(" ", "▁")</c> or the <c>Metaspace</c> pre-tokenizer), a character outside the vocabulary written as its
/// UTF-8 bytes' "&lt;0xXX&gt;" tokens (<c>byte_fallback</c>) or else the unknown token, and decoding through the
/// file's decoder chain (<c>Replace</c>, <c>ByteFallback</c>, <c>Fuse</c>, <c>Strip</c>, <c>Metaspace</c>).
/// <see cref="TokenizerJson.Load"/> builds it; ids equal the tokenizers library's on the same file.
/// </summary>
/// <remarks>
/// As <see cref="HuggingFaceBpeTokenizer"/>: <see cref="Encode(string)"/> gives the text's own ids
/// (<c>add_special_tokens=False</c>: no leading <c>&lt;s&gt;</c> from the post-processor), added tokens are cut out
/// first, and <see cref="Decode(IEnumerable{int})"/> writes special tokens' text. Microsoft.ML.Tokenizers' LlamaTokenizer needs the
/// SentencePiece model file (its protobuf), which these directories do not ship, so this reads the JSON itself.
/// </remarks>
public sealed class SentencePieceBpeTokenizer : ITokenizer
{
    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokenOfId;
    private readonly BpeMergeTable _merges;
    private readonly AddedTokenSplitter _splitter;
    private readonly Func<string, string> _normalize;
    private readonly MetaspaceStep? _metaspace;
    private readonly IReadOnlyList<IPreTokenizerStep> _preTokenizer;
    private readonly IReadOnlyList<TokenDecoderStep>? _decoder;
    private readonly bool _byteFallback, _fuseUnknown, _ignoreMerges;
    private readonly int? _unknownId;
    private readonly int[] _idOfByte; // "<0xXX>" ids, −1 where the vocabulary lacks one
    private readonly Dictionary<string, int> _special;
    private readonly byte[] _file;

    internal SentencePieceBpeTokenizer(Dictionary<string, int> vocab, BpeMergeTable merges, IReadOnlyList<AddedToken> addedTokens,
        Func<string, string> normalize, IReadOnlyList<IPreTokenizerStep> preTokenizer, MetaspaceStep? metaspace,
        IReadOnlyList<TokenDecoderStep>? decoder, bool byteFallback, int? unknownId, bool fuseUnknown, bool ignoreMerges, byte[] file)
    {
        _vocab = vocab;
        _merges = merges;
        AddedTokens = addedTokens;
        _splitter = new AddedTokenSplitter(addedTokens);
        _normalize = normalize;
        _preTokenizer = preTokenizer;
        _metaspace = metaspace;
        _decoder = decoder;
        _byteFallback = byteFallback;
        _unknownId = unknownId;
        _fuseUnknown = fuseUnknown;
        _ignoreMerges = ignoreMerges;
        _file = file;
        _special = addedTokens.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);

        VocabSize = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        _tokenOfId = new string?[VocabSize];
        foreach (var (token, id) in vocab) _tokenOfId[id] = token;
        foreach (var t in addedTokens) _tokenOfId[t.Id] = t.Content;
        _idOfByte = new int[256];
        for (int b = 0; b < 256; b++) _idOfByte[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        EndOfTextId = EndOfTextNames.Select(n => _special.TryGetValue(n, out int id) ? id : (int?)null).FirstOrDefault(id => id is not null);
    }

    /// <summary>End-of-sequence tokens looked for, in order, for <see cref="EndOfTextId"/>: Llama 2/Mistral's, then GPT-style ones.</summary>
    private static readonly string[] EndOfTextNames = ["</s>", Gpt2Tokenizer.EndOfText, "<|end_of_text|>"];

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <summary>Id of the special <c>&lt;/s&gt;</c> (Llama 2, TinyLlama, Mistral; else <c>&lt;|endoftext|&gt;</c>), or null.</summary>
    public int? EndOfTextId { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>tokenizer.json's <c>added_tokens</c>, special or not.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The BPE model's pieces ("▁the", "&lt;0x0A&gt;") → id; added tokens are in <see cref="AddedTokens"/>.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) => Encode(text, allowSpecialTokens: true);

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool allowSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        bool atTextStart = true; // the first ordinary stretch is at offset 0 only if no added token came before it
        _splitter.Split(text, allowSpecialTokens, ordinary =>
        {
            var pieces = PreTokenizerSteps.Split(_normalize(ordinary), _preTokenizer);
            if (_metaspace is not null)
            {
                var spaced = new List<ReadOnlyMemory<char>>();
                for (int i = 0; i < pieces.Count; i++) _metaspace.Split(pieces[i], atTextStart && i == 0, spaced);
                pieces = spaced;
            }
            foreach (var p in pieces) AppendWord(p.Span.ToString(), ids);
            atTextStart = false;
        }, added =>
        {
            ids.Add(added.Id);
            atTextStart = false;
        });
        return ids;
    }

    /// <summary>
    /// One pre-tokenized word: a whole vocabulary piece under <c>ignore_merges</c>, else its characters (each a piece,
    /// or its bytes' "&lt;0xXX&gt;" tokens, or the unknown token — consecutive unknowns fused when <c>fuse_unk</c>)
    /// merged by rank, lowest first (the library's <c>merge_word</c>).
    /// </summary>
    private void AppendWord(string word, List<int> ids)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out int whole))
        {
            ids.Add(whole);
            return;
        }
        var symbols = new List<int>(word.Length);
        bool unknownPending = false;
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in word.EnumerateRunes())
        {
            string character = rune.ToString();
            if (_vocab.TryGetValue(character, out int id))
            {
                if (unknownPending) { symbols.Add(_unknownId!.Value); unknownPending = false; }
                symbols.Add(id);
                continue;
            }
            if (_byteFallback)
            {
                int count = rune.EncodeToUtf8(utf8);
                bool all = true;
                for (int k = 0; k < count; k++) all &= _idOfByte[utf8[k]] >= 0;
                if (all)
                {
                    // As the library: a pending unknown is not flushed before byte tokens, only before the next piece.
                    for (int k = 0; k < count; k++) symbols.Add(_idOfByte[utf8[k]]);
                    continue;
                }
            }
            if (_unknownId is null) continue; // no unknown token: the library drops the character
            if (unknownPending && !_fuseUnknown) symbols.Add(_unknownId.Value);
            unknownPending = true;
        }
        if (unknownPending) symbols.Add(_unknownId!.Value);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols);
        int n = _merges.Apply(span);
        for (int i = 0; i < n; i++) ids.Add(span[i]);
    }

    /// <summary>The text of <paramref name="ids"/> through the file's decoder chain (special tokens as their text).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is neither a vocabulary piece nor an added token.</exception>
    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>
    /// The text of <paramref name="ids"/>; with <paramref name="skipSpecialTokens"/> the special tokens are left out
    /// before the decoder chain runs (transformers' <c>decode(ids, skip_special_tokens=True)</c>, the text a chat reply shows).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is neither a vocabulary piece nor an added token.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var tokens = Tokens(ids);
        if (skipSpecialTokens) tokens.RemoveAll(_special.ContainsKey);
        if (_decoder is null) return string.Join(' ', tokens); // the library's default: tokens joined by spaces
        foreach (var step in _decoder) tokens = step.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <summary>
    /// The UTF-8 bytes of the ids one by one, for streaming (<see cref="TokenStreamDecoder"/>): "&lt;0xXX&gt;" tokens as
    /// their byte, other tokens with the decoder's replacements ("▁" → " "). Unlike <see cref="Decode(IEnumerable{int})"/> the first
    /// token's leading space is kept, which is right for text that continues a prompt.
    /// </summary>
    public byte[] DecodeBytes(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (string token in Tokens(ids))
        {
            if (_byteFallback && TokenDecoderStep.ByteFallback.ByteOf(token) is byte b)
            {
                bytes.Add(b);
                continue;
            }
            string text = _decoder is null ? token : _decoder.Aggregate(token, (t, step) => step.Alone(t));
            bytes.AddRange(Encoding.UTF8.GetBytes(text));
        }
        return [.. bytes];
    }

    private List<string> Tokens(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
            tokens.Add((uint)id < (uint)_tokenOfId.Length && _tokenOfId[id] is { } token ? token
                : throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the tokenizer's vocabulary of {VocabSize} ids."));
        return tokens;
    }

    /// <summary>Writes the tokenizer.json it was read from into <paramref name="directory"/>, byte for byte.</summary>
    public void Save(string directory) => TokenizerJson.Write(directory, _file);
}
