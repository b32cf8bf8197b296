using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// A byte-level BPE tokenizer read from the Hugging Face tokenizers library's <c>tokenizer.json</c> (GPT-2, SmolLM2,
/// Qwen2, Llama 3), id for id: added tokens cut out first (<c>"&lt;|im_start|&gt;"</c> is one id), then the normalizer
/// (none, NFC, NFD, Lowercase), the pre-tokenizer (<c>Split</c> by a regex, <c>Digits</c>, <c>ByteLevel</c>, or a
/// <c>Sequence</c> of them), and BPE merges by rank on each piece's UTF-8 bytes (<see cref="Gpt2Tokenizer"/>'s
/// merge step). <see cref="TokenizerJson.Load"/> builds it.
/// </summary>
/// <remarks>
/// <see cref="Encode(string)"/> gives the text's own ids, as <c>tokenizer(text, add_special_tokens=False)</c>: a
/// post-processor's template (Llama 3's leading <c>&lt;|begin_of_text|&gt;</c>) is not applied; chat prompts get it
/// from <see cref="ChatTemplate"/>. <see cref="Decode"/> writes special tokens' text (skip_special_tokens=False).
/// Added tokens are matched on the raw text, before the normalizer, which differs from the library only for an
/// added token whose text the normalizer changes.
/// </remarks>
public sealed class HuggingFaceBpeTokenizer : IByteLevelTokenizer
{
    private readonly Gpt2Tokenizer _bpe; // model.vocab + model.merges, no special tokens: the byte-level merge step
    private readonly Func<string, string> _normalize;
    private readonly IReadOnlyList<IPreTokenizerStep> _preTokenizer;
    private readonly AddedTokenSplitter _splitter;
    private readonly bool _ignoreMerges;
    private readonly byte[]?[] _bytesOfId;
    private readonly Dictionary<string, int> _special;
    private readonly byte[] _file;

    internal HuggingFaceBpeTokenizer(Gpt2Tokenizer bpe, IReadOnlyList<AddedToken> addedTokens, Func<string, string> normalize,
        IReadOnlyList<IPreTokenizerStep> preTokenizer, bool ignoreMerges, byte[] file)
    {
        _bpe = bpe;
        AddedTokens = addedTokens;
        _normalize = normalize;
        _preTokenizer = preTokenizer;
        _ignoreMerges = ignoreMerges;
        _file = file;
        _splitter = new AddedTokenSplitter(addedTokens);
        _special = addedTokens.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);

        VocabSize = Math.Max(bpe.VocabSize, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        _bytesOfId = new byte[VocabSize][];
        foreach (var (token, id) in bpe.Vocabulary) _bytesOfId[id] = ByteLevelAlphabet.ToBytes(token) ?? Encoding.UTF8.GetBytes(token);
        foreach (var t in addedTokens) _bytesOfId[t.Id] = Encoding.UTF8.GetBytes(t.Content);
        EndOfTextId = EndOfTextNames.Select(n => _special.TryGetValue(n, out int id) ? id : (int?)null).FirstOrDefault(id => id is not null);
    }

    /// <summary>Document separators looked for, in order, for <see cref="EndOfTextId"/> (GPT-2/SmolLM2/Qwen, Llama 3).</summary>
    private static readonly string[] EndOfTextNames = [Gpt2Tokenizer.EndOfText, "<|end_of_text|>"];

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (GPT-2, SmolLM2, Qwen) or <c>&lt;|end_of_text|&gt;</c> (Llama 3) if it is a special token.</summary>
    public int? EndOfTextId { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>tokenizer.json's <c>added_tokens</c>, special or not.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The BPE model's token string (byte-level alphabet: "Ġthe") → id; added tokens are in <see cref="AddedTokens"/>.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _bpe.Vocabulary;

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) => Encode(text, allowSpecialTokens: true);

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool allowSpecialTokens)
        => ByteLevelIds.EncodeText(text, (t, ids) => EncodeText(t, allowSpecialTokens, ids));

    /// <summary>
    /// Encodes raw bytes (see <see cref="IByteLevelTokenizer"/>): valid UTF-8 runs as their text, each run of bytes
    /// that are not UTF-8 as one piece of byte tokens merged by rank.
    /// </summary>
    public IReadOnlyList<int> EncodeBytes(ReadOnlySpan<byte> bytes, bool allowSpecialTokens = true) =>
        ByteLevelIds.EncodeBytes(bytes, (text, ids) => EncodeText(text, allowSpecialTokens, ids), _bpe);

    private void EncodeText(string text, bool allowSpecialTokens, List<int> ids)
    {
        _splitter.Split(text, allowSpecialTokens, ordinary =>
        {
            foreach (var p in PreTokenizerSteps.Split(_normalize(ordinary), _preTokenizer)) AppendPiece(p.Span, ids);
        }, added => ids.Add(added.Id));
    }

    private void AppendPiece(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (piece.Length == 0) return;
        // ignore_merges (Llama 3): a piece that is a whole vocabulary token is that token, whatever the merges would give.
        if (_ignoreMerges)
        {
            int count = Encoding.UTF8.GetByteCount(piece);
            Span<byte> bytes = count <= 256 ? stackalloc byte[count] : new byte[count];
            Encoding.UTF8.GetBytes(piece, bytes);
            if (_bpe.Vocabulary.TryGetValue(ByteLevelAlphabet.ToTokenString(bytes), out int whole))
            {
                ids.Add(whole);
                return;
            }
        }
        _bpe.AppendPreToken(piece, ids);
    }

    /// <summary>The text of <paramref name="ids"/> (special tokens as their text); a character cut between tokens is U+FFFD.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is neither a vocabulary nor an added token.</exception>
    public string Decode(IEnumerable<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    /// <summary>The raw bytes of <paramref name="ids"/>, exactly the bytes they were encoded from.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is neither a vocabulary nor an added token.</exception>
    public byte[] DecodeBytes(IEnumerable<int> ids) => ByteLevelIds.Concat(ids, _bytesOfId);

    /// <summary>Writes the tokenizer.json it was read from into <paramref name="directory"/>, byte for byte.</summary>
    public void Save(string directory) => TokenizerJson.Write(directory, _file);
}
