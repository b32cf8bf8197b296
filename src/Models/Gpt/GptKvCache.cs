using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// The decoding state of a <see cref="GptModel"/> for a batch: one cache per block (keys and values
/// (B, nh, slots, hs): a <see cref="KvCache"/>, or a <see cref="SinkKvCache"/> under a window or sink
/// <see cref="KvCachePolicy"/>) and the next position of each row. Made by <see cref="GptModel.CreateKvCache(int, KvCachePolicy)"/>, filled by
/// <see cref="GptModel.ForwardIncremental"/>: a prefill over the prompt, then one token per row per step.
/// </summary>
/// <remarks>
/// With absolute positions (learned, sinusoidal) or full attention the cache holds at most the context length's
/// slots (padding included), as the model has no positions beyond; with rotary positions and sliding-window
/// attention each layer's cache is a ring bounded by the window and decoding goes on past the context length, as it
/// does under a window or sink policy (rotary positions, full attention). A recompute policy bounds the cache by its
/// window instead of the context length.
/// </remarks>
public sealed class GptKvCache
{
    private readonly int[] nextPositions;

    internal GptKvCache(int batch, ISlotKvCache[] layers, int contextLength, KvCachePolicy policy, int prefixLength = 0)
    {
        Batch = batch;
        PrefixLength = prefixLength;
        Layers = layers;
        ContextLength = contextLength;
        Policy = policy;
        nextPositions = new int[batch];
    }

    /// <summary>B: rows decoded together.</summary>
    public int Batch { get; }

    /// <summary>One cache per block, in block order.</summary>
    public IReadOnlyList<ISlotKvCache> Layers { get; }

    /// <summary>
    /// The positions a bounded cache holds: the model's context length (n_positions), or a recompute policy's window.
    /// </summary>
    public int ContextLength { get; }

    /// <summary>What the cache keeps of the tokens seen (<see cref="KvCachePolicy.Dense"/> unless asked otherwise).</summary>
    public KvCachePolicy Policy { get; }

    /// <summary>Slots the model's own tokens take before the prompt: 1 for a learned sink token, else 0.</summary>
    public int PrefixLength { get; }

    /// <summary>
    /// Window and sink policies: the most prompt tokens one prefill attends at once, the S + W slots less
    /// <see cref="PrefixLength"/> (a longer prompt's rest is fed one token at a time); int.MaxValue otherwise.
    /// </summary>
    public int PrefillSpan => Policy.IsStreaming && Layers.Count > 0 ? Math.Max(1, Layers[0].Capacity - PrefixLength) : int.MaxValue;

    /// <summary>Slots filled so far (the prompt's padding included); 0 before the prefill.</summary>
    public int Length => Layers.Count == 0 ? 0 : Layers[0].Length;

    /// <summary>The position the next token of each row takes: the real tokens it has so far.</summary>
    public IReadOnlyList<int> NextPositions => nextPositions;

    /// <summary>Whether decoding may run past the context length (rotary + sliding window: ring buffers; a window or sink policy).</summary>
    public bool ContinuesPastContext => Layers.Count > 0 && Layers[0].MaxLength == int.MaxValue;

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
