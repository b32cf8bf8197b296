namespace LlmForge.Data;

/// <summary>
/// A batch of next-token examples as flat row-major buffers: <see cref="Inputs"/> and
/// <see cref="Targets"/> are [B, T] (row b at <c>b * T</c>), each exactly B·T long.
/// </summary>
/// <remarks>
/// Batch sources reuse one instance (per batch size) for every batch they return, so training
/// allocates nothing per step: the contents are valid until the source's next call. Copy
/// (<see cref="Clone"/>) to keep a batch.
/// </remarks>
public sealed class TokenBatch
{
    /// <summary>Zeroed input and target buffers for <paramref name="batchSize"/> rows of
    /// <paramref name="sequenceLength"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    public TokenBatch(int batchSize, int sequenceLength)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
        if (sequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "must be at least 1");
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        Inputs = new int[batchSize * sequenceLength];
        Targets = new int[batchSize * sequenceLength];
    }

    /// <summary>B: rows in this batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>T: tokens per row.</summary>
    public int SequenceLength { get; }

    /// <summary>Input token ids, (B, T) flattened.</summary>
    public int[] Inputs { get; }

    /// <summary>Target token ids (inputs shifted by one), (B, T) flattened.</summary>
    public int[] Targets { get; }

    /// <summary>B·T, the number of tokens (and of predictions) in the batch.</summary>
    public int TokenCount => Inputs.Length;

    /// <summary>The T input ids of row <paramref name="row"/> (a view into <see cref="Inputs"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, B).</exception>
    public ReadOnlySpan<int> InputRow(int row) => Inputs.AsSpan(CheckRow(row) * SequenceLength, SequenceLength);

    /// <summary>The T target ids of row <paramref name="row"/> (a view into <see cref="Targets"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, B).</exception>
    public ReadOnlySpan<int> TargetRow(int row) => Targets.AsSpan(CheckRow(row) * SequenceLength, SequenceLength);

    /// <summary>A copy that later batches will not overwrite.</summary>
    public TokenBatch Clone()
    {
        var copy = new TokenBatch(BatchSize, SequenceLength);
        Inputs.CopyTo(copy.Inputs, 0);
        Targets.CopyTo(copy.Targets, 0);
        return copy;
    }

    private int CheckRow(int row) => (uint)row < (uint)BatchSize
        ? row
        : throw new ArgumentOutOfRangeException(nameof(row), row, $"The batch has {BatchSize} rows.");
}

/// <summary>Anything that hands out training batches forever (epochs wrap around).</summary>
public interface ITokenBatchSource
{
    /// <summary>The next batch; the returned instance is reused by the following call.</summary>
    TokenBatch NextBatch();
}
