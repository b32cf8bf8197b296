using Microsoft.ML.Tokenizers;

namespace LlmForge.Tokenization;

/// <summary>
/// A SentencePiece <c>.model</c> file (unigram or BPE, e.g. an opus-mt translator's <c>source.spm</c>) read with
/// Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/>: text → pieces and the model's own ids, pieces → text.
/// No BOS/EOS is added: the caller (<see cref="MarianTokenizer"/>) adds what its format wants.
/// </summary>
/// <remarks>
/// Checked against the reference <c>sentencepiece</c> library (tools/reference/sentencepiece_reference.py). A unigram
/// model (what opus-mt ships) gives the same pieces, ids and decoded text on every fixture string (accents, no-break
/// spaces, full-width forms, runs of spaces, characters outside the model): the library applies the file's
/// precompiled nmt_nfkc map, and this class merges a run of unknown characters into one unknown piece and decodes an
/// unknown id as " ⁇ ", as sentencepiece does. A BPE model matches except where Microsoft.ML.Tokenizers 2.0.1 (3.0.0
/// too) falls short for BPE: it does not apply the nmt_nfkc map (a tab, no-break spaces, full-width forms, ligatures
/// and combining accents stay as typed) and encodes a one-character text to nothing.
/// </remarks>
public sealed class SentencePieceModel
{
    private readonly SentencePieceTokenizer _tokenizer;
    private readonly string[] _pieceOfId;
    private const char SpaceMark = '\u2581'; // ▁, SentencePiece's escaped space
    private const string UnknownSurface = " \u2047 "; // " ⁇ ", sentencepiece's default unk_surface

    private SentencePieceModel(SentencePieceTokenizer tokenizer, string source)
    {
        _tokenizer = tokenizer;
        Source = source;
        int size = tokenizer.Vocabulary.Values.DefaultIfEmpty(-1).Max() + 1;
        _pieceOfId = new string[size];
        foreach (var (piece, id) in tokenizer.Vocabulary) _pieceOfId[id] = piece;
    }

    /// <summary>Reads a SentencePiece model file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a SentencePiece model the library reads (the message names the file).</exception>
    public static SentencePieceModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"SentencePiece model '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        try
        {
            return new SentencePieceModel(SentencePieceTokenizer.Create(stream, false, false), path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IOException
                                   || e.GetType().Name == "InvalidProtocolBufferException")
        {
            throw new InvalidDataException($"SentencePiece model '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The file it was read from (for messages).</summary>
    public string Source { get; }

    /// <summary>Number of pieces (the model's ids are [0, PieceCount)).</summary>
    public int PieceCount => _pieceOfId.Length;

    /// <summary>The model's id of its unknown piece (<c>&lt;unk&gt;</c>).</summary>
    public int UnknownId => _tokenizer.UnknownId;

    /// <summary>The pieces of <paramref name="text"/> after the model's normalization (▁ marks a space), in order; a run
    /// of characters outside the model is one piece holding them (as sentencepiece writes it).</summary>
    public IReadOnlyList<string> EncodeToPieces(string text) => [.. Encode(text).Select(t => t.Piece)];

    /// <summary>The model's ids of <paramref name="text"/>'s pieces (a run of characters outside the model is one
    /// <see cref="UnknownId"/>).</summary>
    public IReadOnlyList<int> EncodeToIds(string text) => [.. Encode(text).Select(t => t.Id)];

    /// <summary>The piece of model id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, <see cref="PieceCount"/>).</exception>
    public string IdToPiece(int id) => (uint)id < (uint)_pieceOfId.Length
        ? _pieceOfId[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"The SentencePiece model '{Source}' has {PieceCount} pieces.");

    /// <summary>The model id of <paramref name="piece"/>, or null when the model has no such piece.</summary>
    public int? PieceToId(string piece) => _tokenizer.Vocabulary.TryGetValue(piece, out int id) ? id : null;

    /// <summary>
    /// Text of the model ids <paramref name="ids"/>, as sentencepiece's <c>decode</c>: pieces joined, ▁ → space, the
    /// leading space of the dummy prefix removed, control pieces dropped, and the unknown id written " ⁇ ".
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // The library decodes the runs between unknown ids (it drops an unknown id where sentencepiece writes " ⁇ "),
        // and removes the leading space of each run: only the first run's is the dummy prefix's.
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        foreach (int id in ids.Append(UnknownId))
        {
            if (id != UnknownId) { IdToPiece(id); run.Add(id); continue; } // IdToPiece checks the range
            if (run.Count > 0)
            {
                if (text.Length > 0 && IdToPiece(run[0]).StartsWith(SpaceMark)) text.Append(' ');
                text.Append(_tokenizer.Decode(run, considerSpecialTokens: false));
                run.Clear();
            }
            text.Append(UnknownSurface);
        }
        return text.ToString(0, text.Length - UnknownSurface.Length);
    }

    /// <summary>
    /// The library's tokens with each run of unknown tokens merged into one: sentencepiece emits one unknown piece for
    /// consecutive characters outside the model (its text is those characters); Microsoft.ML.Tokenizers 2.0.1 emits one
    /// per character (unigram: the character as its value; BPE: the text "&lt;unk&gt;").
    /// </summary>
    private List<(string Piece, int Id)> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = _tokenizer.EncodeToTokens(text, out string? normalized, false, false);
        string source = normalized ?? text;
        var merged = new List<(string Piece, int Id)>(tokens.Count);
        bool previousUnknown = false;
        foreach (var token in tokens)
        {
            bool unknown = token.Id == UnknownId;
            string piece = unknown && token.Value == _pieceOfId[UnknownId] ? source[token.Offset] : token.Value;
            if (unknown && previousUnknown) merged[^1] = (merged[^1].Piece + piece, UnknownId);
            else merged.Add((piece, token.Id));
            previousUnknown = unknown;
        }
        return merged;
    }
}
