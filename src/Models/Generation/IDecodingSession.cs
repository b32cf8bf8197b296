using LlmForge.Autograd;

namespace LlmForge.Generation;

/// <summary>
/// One incremental decoding of a batch (the KV caches of every layer and where each row is): the prompt goes in
/// first, then one token per row per step; each call returns the next-token logits of every row.
/// </summary>
public interface IDecodingSession
{
    /// <summary>B: rows decoded together.</summary>
    int Batch { get; }

    /// <summary>Token slots filled so far (the prompt's padding included); 0 before the prompt.</summary>
    int Length { get; }

    /// <summary>
    /// How many more tokens per row fit: the context length minus <see cref="Length"/> for absolute positions,
    /// int.MaxValue when the model decodes past its context (rotary positions + sliding window: ring buffers).
    /// </summary>
    int Remaining { get; }

    /// <summary>
    /// Appends ids (B, T) — first the prompt (T ≤ context length; <paramref name="attentionMask"/> [B · T] marks
    /// padding with 0, left or right), then one token per row (T = 1) — and returns the logits (B, vocab) of each
    /// row's last real token. Runs without a graph, in whatever train/eval mode the model is in.
    /// </summary>
    Tensor Append(int[] ids, int seq, int[]? attentionMask = null);

    /// <summary>Forgets every token, for a new prompt of the same batch; the caches keep their memory for it.</summary>
    void Reset();
}
