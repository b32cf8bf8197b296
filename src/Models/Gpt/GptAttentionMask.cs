namespace LlmForge.Gpt;

/// <summary>
/// Hugging Face's 2-D <c>attention_mask</c> for a GPT: [batch, seq] row-major, 1 for a token and 0 for padding.
/// Padding is hidden as a key (combined with the causal mask), as transformers' GPT-2 does; positions stay
/// 0 … T − 1 whatever the padding, as there when no position_ids are given, so a left-padded row's logits are not
/// those of the unpadded row (its tokens sit at later positions) while a right-padded row's are, before the padding.
/// </summary>
public static class GptAttentionMask
{
    /// <summary>
    /// The mask as the softmax's key-validity bytes; null for no mask. Errors name attention_mask and the shape
    /// expected: a wrong length, a value other than 0 or 1, a row with no token.
    /// </summary>
    public static byte[]? ToKeyValid(int[]? attentionMask, int batch, int seq)
    {
        if (attentionMask is null) return null;
        if (attentionMask.Length != (long)batch * seq)
            throw new ArgumentException(
                $"attention_mask has {attentionMask.Length} values; it must be [batch, seq] = [{batch}, {seq}] ({(long)batch * seq} values), as input_ids.",
                nameof(attentionMask));
        var valid = new byte[attentionMask.Length];
        for (int i = 0; i < attentionMask.Length; i++)
        {
            valid[i] = attentionMask[i] switch
            {
                0 => 0,
                1 => 1,
                int v => throw new ArgumentException($"attention_mask[{i / seq}][{i % seq}] = {v}: values must be 1 (token) or 0 (padding).", nameof(attentionMask)),
            };
        }
        for (int b = 0; b < batch; b++)
            if (!valid.AsSpan(b * seq, seq).ContainsAnyExcept((byte)0))
                throw new ArgumentException($"attention_mask row {b} is all 0: every row needs a token.", nameof(attentionMask));
        return valid;
    }
}
