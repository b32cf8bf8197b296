namespace LlmForge.Data;

/// <summary>
/// A masked-language-modelling batch as flat row-major [B, T] buffers (row b at <c>b * T</c>): the model
/// inputs (input_ids with some tokens hidden, token_type_ids, attention_mask) and the labels — the original
/// id at every position chosen for prediction, <see cref="IgnoreIndex"/> (-100) everywhere else, so the
/// cross-entropy counts only the chosen positions.
/// </summary>
/// <remarks>Batch sources reuse one instance for every batch: the contents are valid until the next call.</remarks>
public sealed class MlmBatch
{
    /// <summary>The label of positions that are not predicted (PyTorch's cross_entropy ignore_index).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>Zeroed buffers for <paramref name="batchSize"/> rows of <paramref name="sequenceLength"/>
    /// tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    /// <exception cref="OverflowException">B·T does not fit an int.</exception>
    public MlmBatch(int batchSize, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        int n = checked(batchSize * sequenceLength);
        InputIds = new int[n];
        TokenTypeIds = new int[n];
        AttentionMask = new int[n];
        Labels = new int[n];
    }

    /// <summary>B: rows in this batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>T: tokens per row, [CLS] and [SEP] included.</summary>
    public int SequenceLength { get; }

    /// <summary>input_ids after masking, (B, T).</summary>
    public int[] InputIds { get; }

    /// <summary>token_type_ids, (B, T).</summary>
    public int[] TokenTypeIds { get; }

    /// <summary>attention_mask: 1 for real tokens, 0 for padding, (B, T).</summary>
    public int[] AttentionMask { get; }

    /// <summary>The original id where a prediction is made, <see cref="IgnoreIndex"/> elsewhere, (B, T).</summary>
    public int[] Labels { get; }

    /// <summary>Positions with a label: the tokens the loss is averaged over.</summary>
    public int PredictionCount => Labels.Count(l => l != IgnoreIndex);
}

/// <summary>Anything that hands out masked-LM batches forever.</summary>
public interface IMlmBatchSource
{
    /// <summary>The next batch; the returned instance is reused by the following call.</summary>
    MlmBatch NextBatch();
}
