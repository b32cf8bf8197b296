namespace LlmForge.EncoderDecoder;

/// <summary>
/// A batch for <see cref="EncoderDecoderModel"/> as Hugging Face's MarianMTModel takes it: input_ids and attention_mask
/// (B, S) for the source, decoder_input_ids (B, T) for the target (starting with decoder_start_token_id), each a flat
/// row-major array (row b at <c>b * S</c> or <c>b * T</c>).
/// </summary>
/// <param name="InputIds">input_ids, (B, S).</param>
/// <param name="Batch">B.</param>
/// <param name="SourceLength">S.</param>
/// <param name="DecoderInputIds">decoder_input_ids, (B, T).</param>
/// <param name="TargetLength">T.</param>
/// <param name="AttentionMask">attention_mask, (B, S): nonzero for real source tokens, 0 for padding; null: no padding.</param>
public sealed record Seq2SeqInput(int[] InputIds, int Batch, int SourceLength, int[] DecoderInputIds, int TargetLength, int[]? AttentionMask = null)
{
    /// <summary>Checks the sizes, ids and mask against each other and <paramref name="config"/>; errors name the array and the limit.</summary>
    /// <exception cref="ArgumentException">A size, id or mask row that does not fit.</exception>
    public void Validate(EncoderDecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(InputIds);
        ArgumentNullException.ThrowIfNull(DecoderInputIds);
        if (Batch < 1 || SourceLength < 1 || TargetLength < 1)
            throw new ArgumentException($"Seq2SeqInput: batch {Batch}, source length {SourceLength} and target length {TargetLength} must be positive.");
        CheckIds("input_ids", InputIds, SourceLength, config);
        CheckIds("decoder_input_ids", DecoderInputIds, TargetLength, config);
        if (AttentionMask is null) return;
        if (AttentionMask.Length != (long)Batch * SourceLength)
            throw new ArgumentException($"Seq2SeqInput: attention_mask has {AttentionMask.Length} values, input_ids {(long)Batch * SourceLength}.");
        for (int b = 0; b < Batch; b++)
            if (!AttentionMask.AsSpan(b * SourceLength, SourceLength).ContainsAnyExcept(0))
                throw new ArgumentException($"Seq2SeqInput: attention_mask row {b} is all 0: every source needs a real token.");
    }

    /// <summary>The source padding as the attention's key mask [B·S] (1 = real token); null without a mask.</summary>
    public byte[]? SourceKeyValid() => AttentionMask is null ? null : Array.ConvertAll(AttentionMask, m => (byte)(m != 0 ? 1 : 0));

    private void CheckIds(string name, int[] ids, int length, EncoderDecoderConfig config)
    {
        if (length > config.MaxPositions)
            throw new ArgumentException(
                $"Seq2SeqInput: {name} length {length} exceeds max_position_embeddings {config.MaxPositions}; truncate it.");
        if (ids.Length != (long)Batch * length)
            throw new ArgumentException($"Seq2SeqInput: {ids.Length} {name} do not fill batch {Batch} × {length} = {(long)Batch * length}.");
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)config.VocabSize)
                throw new ArgumentException(
                    $"Seq2SeqInput: {name}[{i / length}][{i % length}] = {ids[i]} is outside the vocabulary [0, {config.VocabSize}).");
    }
}
