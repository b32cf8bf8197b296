using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// The decoding state of a <see cref="GptModel"/> for a batch: one <see cref="KvCache"/> per block (keys and values
/// (B, nh, slots, hs)) and the next position of each row. Made by <see cref="GptModel.CreateKvCache"/>, filled by
/// <see cref="GptModel.ForwardIncremental"/>: a prefill over the prompt, then one token per row per step.
/// </summary>
/// <remarks>
/// With absolute positions (learned, sinusoidal) or full attention the cache holds at most the context length's
/// slots (padding included), as the model has no positions beyond; with rotary positions and sliding-window
/// attention each layer's cache is a ring bounded by the window and decoding goes on past the context length.
/// </remarks>
public sealed class GptKvCache
{
    private readonly int[] nextPositions;

    internal GptKvCache(int batch, KvCache[] layers, int contextLength)
    {
        Batch = batch;
        Layers = layers;
        ContextLength = contextLength;
        nextPositions = new int[batch];
    }

    /// <summary>B: rows decoded together.</summary>
    public int Batch { get; }

    /// <summary>One cache per block, in block order.</summary>
    public IReadOnlyList<KvCache> Layers { get; }

    /// <summary>The model's context length (n_positions).</summary>
    public int ContextLength { get; }

    /// <summary>Slots filled so far (the prompt's padding included); 0 before the prefill.</summary>
    public int Length => Layers.Count == 0 ? 0 : Layers[0].Length;

    /// <summary>The position the next token of each row takes: the real tokens it has so far.</summary>
    public IReadOnlyList<int> NextPositions => nextPositions;

    /// <summary>Whether decoding may run past the context length (rotary + sliding window: ring buffers).</summary>
    public bool ContinuesPastContext => Layers.Count > 0 && Layers[0].IsRing;

    /// <summary>Tokens per row that may still be appended (int.MaxValue when <see cref="ContinuesPastContext"/>).</summary>
    public int Remaining => ContinuesPastContext ? int.MaxValue : ContextLength - Length;

    /// <summary>Forgets every token (a new prompt); each layer keeps its buffers for the next prefill.</summary>
    public void Reset()
    {
        foreach (var layer in Layers) layer.Reset();
        Array.Clear(nextPositions);
    }

    internal void Advance(int row, int realTokens) => nextPositions[row] += realTokens;
}
