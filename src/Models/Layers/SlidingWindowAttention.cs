using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// Mistral's sliding-window attention: <see cref="MultiHeadAttention"/> in which the query at position i sees the
/// keys j with i − window &lt; j ≤ i, so each layer looks back at most <see cref="Window"/> tokens (stacked layers
/// still reach further). The only change is the mask; rotary positions compose as with any attention.
/// Same parameters as <see cref="MultiHeadAttention"/>. Kind name "sliding-window".
/// </summary>
public sealed class SlidingWindowAttention : MultiHeadAttention
{
    /// <summary>As <see cref="MultiHeadAttention"/> (grouped-query too), with each query seeing the last
    /// <paramref name="window"/> positions (itself included).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is below 1.</exception>
    public SlidingWindowAttention(ModuleInit init, int embeddingDim, int heads, int window, bool qkvBias = false,
        float dropRate = 0f, float? projectionStd = null, int keyValueHeads = 0, bool outputBias = true)
        : base(init, embeddingDim, heads, qkvBias, dropRate, projectionStd, keyValueHeads, outputBias)
    {
        if (window < 1)
            throw new ArgumentOutOfRangeException(nameof(window), window, "SlidingWindowAttention: the window must be at least 1 token.");
        Window = window;
    }

    /// <summary>How many positions (itself included) each query sees.</summary>
    public int Window { get; }

    /// <summary>The causal mask narrowed to the window.</summary>
    /// <exception cref="ArgumentException">A bidirectional (encoder) input: the window is defined for causal
    /// attention only.</exception>
    protected override AttentionMaskSpec MaskFor(AttentionInput input)
    {
        if (!input.Mask.Causal)
            throw new ArgumentException(
                "SlidingWindowAttention: the window is Mistral's causal one (i − window < j ≤ i); a bidirectional (encoder) input has no such window.",
                nameof(input));
        return input.Mask with { Window = Window }; // NEW: keys more than Window − 1 positions back are hidden
    }
}
