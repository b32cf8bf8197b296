namespace LlmForge.Data;

/// <summary>
/// A padded batch for teacher-forced sequence-to-sequence training, flat row-major as transformers' Marian inputs:
/// <see cref="SourceIds"/> and <see cref="SourceMask"/> are [B, S]; <see cref="DecoderInputIds"/> and
/// <see cref="Labels"/> are [B, T]. Row b's decoder input is the decoder start id followed by its target shifted right
/// by one, so position t predicts target token t; padding positions of the labels hold <see cref="IgnoreIndex"/>, which
/// the cross-entropy skips.
/// </summary>
public sealed class Seq2SeqBatch
{
    /// <summary>The label of a padding position: -100, the ignore index of the library's cross-entropy (as PyTorch's).</summary>
    public const int IgnoreIndex = MlmBatch.IgnoreIndex;

    /// <summary>Pads <paramref name="examples"/> into one batch (S and T are the longest source and target).</summary>
    /// <param name="examples">The rows, each source and target non-empty.</param>
    /// <param name="padId">Id written in padded source and decoder-input positions.</param>
    /// <param name="decoderStartId">First decoder input of every row (Marian: the pad id).</param>
    /// <exception cref="ArgumentException">No example, or an empty source or target.</exception>
    public Seq2SeqBatch(IReadOnlyList<Seq2SeqExample> examples, int padId, int decoderStartId)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one example.", nameof(examples));
        if (examples.Any(e => e.SourceIds.Length == 0 || e.TargetIds.Length == 0))
            throw new ArgumentException("Every example needs a non-empty source and target (the eos at least).", nameof(examples));
        BatchSize = examples.Count;
        SourceLength = examples.Max(e => e.SourceIds.Length);
        TargetLength = examples.Max(e => e.TargetIds.Length);
        SourceIds = new int[BatchSize * SourceLength];
        SourceMask = new int[BatchSize * SourceLength];
        DecoderInputIds = new int[BatchSize * TargetLength];
        Labels = new int[BatchSize * TargetLength];
        Array.Fill(SourceIds, padId);
        Array.Fill(DecoderInputIds, padId);
        Array.Fill(Labels, IgnoreIndex);
        for (int b = 0; b < BatchSize; b++)
        {
            var (source, target) = (examples[b].SourceIds, examples[b].TargetIds);
            source.CopyTo(SourceIds, b * SourceLength);
            SourceMask.AsSpan(b * SourceLength, source.Length).Fill(1);
            target.CopyTo(Labels, b * TargetLength);
            DecoderInputIds[b * TargetLength] = decoderStartId;
            target.AsSpan(0, target.Length - 1).CopyTo(DecoderInputIds.AsSpan(b * TargetLength + 1));
        }
    }

    /// <summary>B: rows.</summary>
    public int BatchSize { get; }

    /// <summary>S: source positions per row (the longest source).</summary>
    public int SourceLength { get; }

    /// <summary>T: target positions per row (the longest target).</summary>
    public int TargetLength { get; }

    /// <summary>Encoder input ids [B, S], pad after each source.</summary>
    public int[] SourceIds { get; }

    /// <summary>Encoder attention mask [B, S]: 1 on a real token, 0 on padding (transformers' <c>attention_mask</c>).</summary>
    public int[] SourceMask { get; }

    /// <summary>Decoder input ids [B, T]: the start id, then the target without its last token; pad after.</summary>
    public int[] DecoderInputIds { get; }

    /// <summary>Target ids [B, T] (eos included), <see cref="IgnoreIndex"/> on padding.</summary>
    public int[] Labels { get; }

    /// <summary>Positions the loss counts: labels that are not <see cref="IgnoreIndex"/>.</summary>
    public int LabelCount => Labels.Count(l => l != IgnoreIndex);
}
