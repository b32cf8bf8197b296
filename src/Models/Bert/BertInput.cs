using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Bert;

/// <summary>
/// A batch for <see cref="BertModel"/>: input_ids, token_type_ids and attention_mask as flat row-major
/// [Batch, SequenceLength] arrays (row b at <c>b * SequenceLength</c>), as Hugging Face's BertModel takes them.
/// </summary>
/// <param name="InputIds">input_ids, (B, T).</param>
/// <param name="Batch">B.</param>
/// <param name="SequenceLength">T, at most max_position_embeddings.</param>
/// <param name="TokenTypeIds">token_type_ids, (B, T); null means all 0 (one segment).</param>
/// <param name="AttentionMask">attention_mask, (B, T): nonzero for real tokens, 0 for padding; null means no padding.</param>
public sealed record BertInput(int[] InputIds, int Batch, int SequenceLength, int[]? TokenTypeIds = null, int[]? AttentionMask = null)
{
    /// <summary>
    /// The input of a batch a <see cref="WordPieceTokenizer"/> encoded: its ids, segments and padding mask, each (B,
    /// T), as they are (no copy).
    /// </summary>
    public static BertInput From(BertEncodedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new(batch.InputIds, batch.Batch, batch.SequenceLength, batch.TokenTypeIds, batch.AttentionMask);
    }

    /// <summary>
    /// The input of a masked-LM training batch: the masked ids, segments and padding mask, each (B, T); its labels
    /// stay in <paramref name="batch"/>.
    /// </summary>
    public static BertInput From(MlmBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new(batch.InputIds, batch.BatchSize, batch.SequenceLength, batch.TokenTypeIds, batch.AttentionMask);
    }

    /// <summary>Checks the sizes against each other and the model; errors name the array and the limit.</summary>
    internal void Validate(int maxPositions, int typeVocabSize)
    {
        ArgumentNullException.ThrowIfNull(InputIds);
        if (Batch < 1 || SequenceLength < 1)
            throw new ArgumentException($"BertInput: batch {Batch} and sequence length {SequenceLength} must be positive.");
        if (SequenceLength > maxPositions)
            throw new ArgumentException(
                $"BertInput: sequence length {SequenceLength} exceeds max_position_embeddings {maxPositions}; truncate the input.");
        long n = (long)Batch * SequenceLength;
        if (InputIds.Length != n)
            throw new ArgumentException($"BertInput: {InputIds.Length} input_ids do not fill batch {Batch} × seq {SequenceLength} = {n}.");
        if (TokenTypeIds is not null)
        {
            if (TokenTypeIds.Length != n)
                throw new ArgumentException($"BertInput: token_type_ids has {TokenTypeIds.Length} values, input_ids {n}.");
            for (int i = 0; i < TokenTypeIds.Length; i++)
                if ((uint)TokenTypeIds[i] >= (uint)typeVocabSize)
                    throw new ArgumentException(
                        $"BertInput: token_type_ids[{i / SequenceLength}][{i % SequenceLength}] = {TokenTypeIds[i]} is outside [0, {typeVocabSize}) (type_vocab_size).");
        }
        if (AttentionMask is not null)
        {
            if (AttentionMask.Length != n)
                throw new ArgumentException($"BertInput: attention_mask has {AttentionMask.Length} values, input_ids {n}.");
            for (int b = 0; b < Batch; b++)
                if (!AttentionMask.AsSpan(b * SequenceLength, SequenceLength).ContainsAnyExcept(0))
                    throw new ArgumentException($"BertInput: attention_mask row {b} is all 0: every row needs a real token.");
        }
    }
}

/// <summary>What <see cref="BertModel.Forward"/> computes: the encoder's states and every head the model has.</summary>
/// <param name="Hidden">The last layer's hidden states, (B, T, C).</param>
/// <param name="Pooled">The pooler's tanh(dense(h[CLS])), (B, C); null without a pooler.</param>
/// <param name="MlmLogits">Masked-LM logits, (B, T, vocab); null without the MLM head.</param>
/// <param name="ClassLogits">Classifier logits, (B, labels); null without a classifier.</param>
public sealed record BertOutput(Autograd.Tensor Hidden, Autograd.Tensor? Pooled, Autograd.Tensor? MlmLogits, Autograd.Tensor? ClassLogits);
