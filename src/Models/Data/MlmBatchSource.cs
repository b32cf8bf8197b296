using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// Masked-LM batches from a tokenized corpus: a <see cref="DataLoader"/> over windows of T − 2 token ids
/// (a <see cref="SlidingWindowDataset"/>, shuffled per epoch), each framed as <c>[CLS] window [SEP]</c> (token
/// type 0, no padding: every row is T tokens of running text, RoBERTa's "full sentences") and corrupted by an
/// <see cref="MlmMasker"/>. The masks of batch number s come from (seed, s) alone, so the same seed gives the
/// same batches on every run and <see cref="Restore"/> resumes exactly.
/// </summary>
public sealed class MlmBatchSource : IMlmBatchSource
{
    private const long MaskStream = 0x4D4C_4D00_0000_0000; // keeps mask streams apart from the loader's shuffle streams

    private readonly DataLoader _windows;
    private MlmBatch? _full, _tail;
    private int[]? _clean;

    /// <param name="windows">Batches of T − 2 token ids (only their inputs are read).</param>
    /// <param name="masker">Chooses and corrupts the masked positions.</param>
    /// <param name="classificationId">The [CLS] id, put before each window.</param>
    /// <param name="separatorId">The [SEP] id, put after each window.</param>
    /// <param name="seed">Seeds the masks; batch number s is masked from (seed, s).</param>
    public MlmBatchSource(DataLoader windows, MlmMasker masker, int classificationId, int separatorId, int seed)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(masker);
        _windows = windows;
        Masker = masker;
        ClassificationId = classificationId;
        SeparatorId = separatorId;
        Seed = seed;
        SequenceLength = windows.Dataset.WindowLength + 2;
    }

    /// <summary>
    /// Batches of <paramref name="sequenceLength"/> tokens ([CLS] + T − 2 corpus tokens + [SEP]) cut from
    /// <paramref name="tokenIds"/> without overlap (stride T − 2).
    /// </summary>
    public static MlmBatchSource FromTokenIds(ReadOnlyMemory<int> tokenIds, int sequenceLength, int batchSize, MlmMasker masker,
        int classificationId, int separatorId, bool shuffle, int seed)
    {
        if (sequenceLength < 3)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "An MLM sequence needs [CLS], at least one token and [SEP]: length ≥ 3.");
        var dataset = new SlidingWindowDataset(tokenIds, sequenceLength - 2, sequenceLength - 2);
        var loader = new DataLoader(dataset, batchSize, shuffle, seed, dropLast: shuffle && dataset.Count >= batchSize);
        return new MlmBatchSource(loader, masker, classificationId, separatorId, seed);
    }

    /// <summary>Chooses and corrupts the predicted positions of each row.</summary>
    public MlmMasker Masker { get; }

    /// <summary>The [CLS] id that starts each row.</summary>
    public int ClassificationId { get; }

    /// <summary>The [SEP] id that ends each row.</summary>
    public int SeparatorId { get; }

    /// <summary>
    /// Seeds the masks: batch number s is masked from stream (Seed, s), apart from the loader's shuffle streams.
    /// </summary>
    public int Seed { get; }

    /// <summary>T: tokens per row, [CLS] and [SEP] included.</summary>
    public int SequenceLength { get; }

    /// <summary>Batches handed out so far (the index of the next batch's masks).</summary>
    public long Step { get; private set; }

    /// <summary>Batches in one epoch of the underlying window loader.</summary>
    public int BatchesPerEpoch => _windows.BatchesPerEpoch;

    /// <inheritdoc/>
    public MlmBatch NextBatch()
    {
        var windows = _windows.NextBatch();
        int rows = windows.BatchSize, t = SequenceLength, w = windows.SequenceLength;
        var batch = rows == _windows.BatchSize ? _full ??= new MlmBatch(rows, t) : _tail ??= new MlmBatch(rows, t);
        Span<int> clean = _clean ??= new int[t]; // one clean row: [CLS] window [SEP]
        var rng = SplitMix64.Derive(Seed, MaskStream + Step);
        for (int r = 0; r < rows; r++)
        {
            clean[0] = ClassificationId;
            windows.InputRow(r).CopyTo(clean[1..]);
            clean[w + 1] = SeparatorId;
            var mask = batch.AttentionMask.AsSpan(r * t, t);
            mask.Fill(1);
            batch.TokenTypeIds.AsSpan(r * t, t).Clear();
            Masker.MaskRow(clean, mask, batch.InputIds.AsSpan(r * t, t), batch.Labels.AsSpan(r * t, t), ref rng);
        }
        Step++;
        return batch;
    }

    /// <summary>
    /// The position of the next batch (the window loader's and the mask step), for a checkpoint;
    /// <see cref="Restore"/> continues from it.
    /// </summary>
    public MlmBatchSourceState GetState() => new(_windows.GetState(), Step);

    /// <summary>Continues from a saved position: the same windows and the same masks as an uninterrupted run.</summary>
    public void Restore(MlmBatchSourceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Step);
        _windows.Restore(state.Windows);
        Step = state.Step;
    }
}

/// <summary>Where an <see cref="MlmBatchSource"/> is: its loader's position and the number of batches drawn.</summary>
public sealed record MlmBatchSourceState(DataLoaderState Windows, long Step);
