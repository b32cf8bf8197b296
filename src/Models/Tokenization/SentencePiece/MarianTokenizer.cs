using System.Text;
using LlmForge.Diagnostics;

namespace LlmForge.Tokenization;

/// <summary>
/// The tokenizer of a Hugging Face MarianMT (opus-mt) directory, with transformers' <c>MarianTokenizer</c> semantics:
/// source text is cut into pieces by <c>source.spm</c>, target text by <c>target.spm</c> (both
/// <see cref="SentencePieceModel"/>s); pieces are looked up in the shared <c>vocab.json</c> (a piece it lacks becomes
/// <c>&lt;unk&gt;</c>) and <c>&lt;/s&gt;</c> is appended. A leading language code such as <c>&gt;&gt;fra&lt;&lt;</c> (the
/// multi-target opus-mt models) is kept as one token. Decoding drops the special tokens and joins the pieces.
/// </summary>
/// <remarks>
/// transformers also runs a Moses punctuation normalizer when the <c>sacremoses</c> package is installed; that step is
/// not reproduced (nor is it without sacremoses), so text with punctuation Moses rewrites may tokenize differently.
/// </remarks>
public sealed class MarianTokenizer : ITranslationTokenizer
{
    /// <summary>Marian's end-of-sentence token.</summary>
    public const string EosToken = "</s>";

    /// <summary>Marian's unknown token.</summary>
    public const string UnknownToken = "<unk>";

    /// <summary>Marian's padding token (also the decoder start).</summary>
    public const string PadToken = "<pad>";

    private const char SpaceMark = '\u2581'; // ▁, SentencePiece's escaped space
    private readonly Dictionary<string, int> _vocabulary;
    private readonly string?[] _pieceOfId;
    private readonly string _directory;

    /// <summary>Builds the tokenizer from its two SentencePiece models and the shared vocabulary (piece → id).</summary>
    /// <param name="source">source.spm: cuts source text.</param>
    /// <param name="target">target.spm: cuts target text.</param>
    /// <param name="vocabulary">vocab.json: the model's ids, holding <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c> and <c>&lt;pad&gt;</c>.</param>
    /// <param name="directory">Where the files were read from (copied by <see cref="Save"/>).</param>
    /// <exception cref="ArgumentException">A special token missing, or two pieces sharing an id.</exception>
    public MarianTokenizer(SentencePieceModel source, SentencePieceModel target, IReadOnlyDictionary<string, int> vocabulary, string directory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(directory);
        Source = source;
        Target = target;
        _directory = directory;
        _vocabulary = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        int size = 0;
        foreach (var (piece, id) in _vocabulary)
        {
            if (id < 0) throw new ArgumentException($"vocab.json: piece {Printable.Quote(piece)} has a negative id {id}.", nameof(vocabulary));
            size = Math.Max(size, id + 1);
        }
        _pieceOfId = new string?[size];
        foreach (var (piece, id) in _vocabulary)
        {
            if (_pieceOfId[id] is { } other)
                throw new ArgumentException($"vocab.json: pieces {Printable.Quote(other)} and {Printable.Quote(piece)} share id {id}.", nameof(vocabulary));
            _pieceOfId[id] = piece;
        }
        VocabSize = size;
        EosId = Special(EosToken);
        UnknownId = Special(UnknownToken);
        PadId = Special(PadToken);
    }

    /// <summary>The source-side SentencePiece model (source.spm).</summary>
    public SentencePieceModel Source { get; }

    /// <summary>The target-side SentencePiece model (target.spm).</summary>
    public SentencePieceModel Target { get; }

    /// <summary>The shared vocabulary (vocab.json): piece → id.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int EosId { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <inheritdoc/>
    public int DecoderStartId => PadId;

    /// <summary>Id of <c>&lt;unk&gt;</c>: a piece vocab.json lacks.</summary>
    public int UnknownId { get; }

    /// <summary>Reads an opus-mt directory (source.spm, target.spm, vocab.json).</summary>
    public static MarianTokenizer FromDirectory(string directory) => MarianTokenizerFiles.Load(directory);

    /// <inheritdoc/>
    public IReadOnlyList<int> EncodeSource(string text) => Encode(Source, text);

    /// <inheritdoc/>
    public IReadOnlyList<int> EncodeTarget(string text) => Encode(Target, text);

    /// <summary>The pieces of <paramref name="text"/> by source.spm (without <c>&lt;/s&gt;</c>), as <c>tokenizer.tokenize</c>.</summary>
    public IReadOnlyList<string> TokenizeSource(string text) => Tokenize(Source, text);

    /// <inheritdoc/>
    /// <remarks>As transformers' <c>decode(ids, skip_special_tokens=True)</c>: <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c> and
    /// <c>&lt;unk&gt;</c> are dropped, the other pieces joined as SentencePiece's <c>decode_pieces</c> does (▁ → space,
    /// the dummy prefix's leading space removed).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public string DecodeTarget(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == EosId || id == PadId || id == UnknownId) continue;
            string piece = (uint)id < (uint)_pieceOfId.Length && _pieceOfId[id] is { } p ? p
                : throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} is not in vocab.json of '{_directory}' ({VocabSize} ids).");
            text.Append(piece);
        }
        text.Replace(SpaceMark, ' ');
        // SentencePiece's decoder removes the space its encoder's dummy prefix put before the first piece.
        return text.Length > 0 && text[0] == ' ' ? text.ToString(1, text.Length - 1) : text.ToString();
    }

    /// <inheritdoc/>
    public void Save(string directory) => MarianTokenizerFiles.Save(_directory, directory);

    private IReadOnlyList<int> Encode(SentencePieceModel side, string text)
    {
        var pieces = Tokenize(side, text);
        var ids = new int[pieces.Count + 1];
        for (int i = 0; i < pieces.Count; i++)
            ids[i] = _vocabulary.TryGetValue(pieces[i], out int id) ? id : UnknownId;
        ids[^1] = EosId;
        return ids;
    }

    private static IReadOnlyList<string> Tokenize(SentencePieceModel side, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // transformers' MarianTokenizer.remove_language_code: a leading match of ">>.+<<" is one token, the rest goes to
        // the spm. The regex is greedy and '.' stops at a line break: the code runs to the last "<<" of the first line.
        if (text.StartsWith(">>", StringComparison.Ordinal))
        {
            int lineEnd = text.IndexOf('\n');
            int end = text.LastIndexOf("<<", (lineEnd < 0 ? text.Length : lineEnd) - 1, StringComparison.Ordinal);
            if (end > 2) return [text[..(end + 2)], .. side.EncodeToPieces(text[(end + 2)..])];
        }
        return side.EncodeToPieces(text);
    }

    private int Special(string token) => _vocabulary.TryGetValue(token, out int id) ? id
        : throw new ArgumentException($"vocab.json of '{_directory}' lacks the special token {token}.", "vocabulary");
}
