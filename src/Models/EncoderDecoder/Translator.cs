using LlmForge.Tokenization;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// Text in, text out: an <see cref="EncoderDecoderModel"/> with its <see cref="ITranslationTokenizer"/> (an opus-mt
/// directory's SentencePiece models, or a BPE learned from pairs). Sources are translated in batches of
/// <see cref="TranslationOptions.BatchSize"/>, in order: each encoded with eos last (truncated to
/// max_position_embeddings, keeping the eos), padded on the right with the source padding masked, decoded greedily or
/// by beam search, and the best target read back as text without its special tokens.
/// </summary>
public sealed class Translator
{
    /// <summary>A translator of <paramref name="model"/>'s language pair, reading and writing text with <paramref name="tokenizer"/>.</summary>
    /// <exception cref="ArgumentException">The tokenizer's ids, eos or decoder start do not match the model's config.</exception>
    public Translator(EncoderDecoderModel model, ITranslationTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var c = model.Config;
        if (tokenizer.VocabSize > c.VocabSize)
            throw new ArgumentException($"Translator: the tokenizer has {tokenizer.VocabSize} ids, the model's vocab_size is {c.VocabSize}.", nameof(tokenizer));
        if (tokenizer.EosId != c.EosTokenId || tokenizer.DecoderStartId != c.DecoderStartTokenId)
            throw new ArgumentException(
                $"Translator: the tokenizer's </s> {tokenizer.EosId} and decoder start {tokenizer.DecoderStartId} differ from the model's " +
                $"eos_token_id {c.EosTokenId} and decoder_start_token_id {c.DecoderStartTokenId}.", nameof(tokenizer));
        Model = model;
        Tokenizer = tokenizer;
    }

    /// <summary>The model (put in eval mode by <see cref="Translate(IEnumerable{string}, TranslationOptions, CancellationToken)"/>).</summary>
    public EncoderDecoderModel Model { get; }

    /// <summary>Source text → ids; ids → target text.</summary>
    public ITranslationTokenizer Tokenizer { get; }

    /// <summary>
    /// The translation of each of <paramref name="sources"/>, in order, yielded as each batch completes. A source of only
    /// white space translates to "" without running the model.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid <paramref name="options"/> (one line per property).</exception>
    public IEnumerable<string> Translate(IEnumerable<string> sources, TranslationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(); // before the first source is read, not at the first MoveNext
        return Batches(sources, options, cancellationToken);
    }

    /// <summary>The translation of one source text (see <see cref="Translate(IEnumerable{string}, TranslationOptions, CancellationToken)"/>).</summary>
    public string Translate(string source, TranslationOptions options) => Translate([source], options).Single();

    /// <summary>The most new tokens per source that <paramref name="options"/> allow on this model.</summary>
    public int MaxNewTokens(TranslationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxNewTokens ?? Math.Min(TranslationOptions.DefaultMaxNewTokens, Model.Config.MaxPositions - 1);
    }

    private IEnumerable<string> Batches(IEnumerable<string> sources, TranslationOptions options, CancellationToken cancellationToken)
    {
        Model.Eval();
        var batch = new List<string>(options.BatchSize);
        foreach (string source in sources)
        {
            batch.Add(source ?? throw new ArgumentException("Translator: a source text is null.", nameof(sources)));
            if (batch.Count < options.BatchSize) continue;
            cancellationToken.ThrowIfCancellationRequested();
            foreach (string line in TranslateBatch(batch, options)) yield return line;
            batch.Clear();
        }
        if (batch.Count > 0)
            foreach (string line in TranslateBatch(batch, options)) yield return line;
    }

    /// <summary>One batch: encode, pad, decode, read back; blank sources stay out of the batch.</summary>
    private string[] TranslateBatch(List<string> sources, TranslationOptions options)
    {
        var c = Model.Config;
        var results = new string[sources.Count];
        var rows = new List<(int Index, int[] Ids)>();
        for (int i = 0; i < sources.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(sources[i])) results[i] = "";
            else rows.Add((i, Truncate(Tokenizer.EncodeSource(sources[i]), c.MaxPositions, Tokenizer.EosId)));
        }
        if (rows.Count == 0) return results;

        int length = rows.Max(r => r.Ids.Length);
        var ids = new int[rows.Count * length];
        var mask = new int[ids.Length];
        Array.Fill(ids, c.PadTokenId);
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].Ids.CopyTo(ids.AsSpan(r * length));
            mask.AsSpan(r * length, rows[r].Ids.Length).Fill(1);
        }
        int maxNewTokens = MaxNewTokens(options);
        int[][] outputs = options.NumBeams == 1
            ? GreedyTranslation.Generate(Model, ids, rows.Count, length, mask, maxNewTokens, options.UseCache)
            : BeamSearch.Generate(Model, ids, rows.Count, length, mask, new BeamSearchOptions
            {
                NumBeams = options.NumBeams, LengthPenalty = options.LengthPenalty, EarlyStopping = options.EarlyStopping,
                MaxNewTokens = maxNewTokens, UseCache = options.UseCache,
            }).Sequences;
        for (int r = 0; r < rows.Count; r++)
            results[rows[r].Index] = Tokenizer.DecodeTarget(outputs[r].Skip(1).TakeWhile(id => id != c.EosTokenId));
        return results;
    }

    /// <summary>At most <paramref name="max"/> ids, the eos kept last.</summary>
    private static int[] Truncate(IReadOnlyList<int> ids, int max, int eos) =>
        ids.Count <= max ? [.. ids] : [.. ids.Take(max - 1), eos];
}
