namespace LlmForge.Tokenization;

/// <summary>
/// One model input as Hugging Face's BertTokenizer returns it: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>,
/// possibly truncated and padded. All three arrays have the same length.
/// </summary>
/// <param name="InputIds">input_ids.</param>
/// <param name="TokenTypeIds">token_type_ids: 0 for [CLS] A [SEP] (and padding), 1 for B [SEP].</param>
/// <param name="AttentionMask">attention_mask: 1 for real tokens, 0 for padding.</param>
public sealed record BertEncoding(int[] InputIds, int[] TokenTypeIds, int[] AttentionMask)
{
    /// <summary>Tokens in the input, padding included: the length of each of the three arrays.</summary>
    public int Length => InputIds.Length;
}

/// <summary>
/// A batch of <see cref="BertEncoding"/>s padded to one length, as flat row-major [Batch, SequenceLength] arrays
/// (row b at <c>b * SequenceLength</c>): what <c>BertModel.Forward</c> takes.
/// </summary>
public sealed record BertEncodedBatch(int Batch, int SequenceLength, int[] InputIds, int[] TokenTypeIds, int[] AttentionMask)
{
    /// <summary>Stacks equal-length encodings.</summary>
    public static BertEncodedBatch Stack(IReadOnlyList<BertEncoding> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("A batch needs at least one row.", nameof(rows));
        int t = rows[0].Length;
        var ids = new int[rows.Count * t];
        var types = new int[ids.Length];
        var mask = new int[ids.Length];
        for (int b = 0; b < rows.Count; b++)
        {
            if (rows[b].Length != t)
                throw new ArgumentException($"Row {b} has {rows[b].Length} tokens but row 0 has {t}; pad the rows to one length.", nameof(rows));
            rows[b].InputIds.CopyTo(ids, b * t);
            rows[b].TokenTypeIds.CopyTo(types, b * t);
            rows[b].AttentionMask.CopyTo(mask, b * t);
        }
        return new BertEncodedBatch(rows.Count, t, ids, types, mask);
    }
}
