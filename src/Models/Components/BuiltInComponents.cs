using LlmForge.Layers;

namespace LlmForge.Components;

/// <summary>The components LlmForge ships, under the kind names configurations use.</summary>
public static class BuiltInComponents
{
    /// <summary>"scaled-dot": <see cref="MultiHeadAttention"/>, causal or bidirectional as the model's input says.</summary>
    public static AttentionKind ScaledDot { get; } = new("scaled-dot", c =>
        new MultiHeadAttention(c.Init, c.EmbeddingDim, c.Heads, c.QkvBias, c.DropRate, c.ProjectionStd, c.KeyValueHeads, c.OutputBias));

    /// <summary>"sliding-window": <see cref="SlidingWindowAttention"/> with the variant's Window.</summary>
    public static AttentionKind SlidingWindow { get; } = new("sliding-window", c =>
        new SlidingWindowAttention(c.Init, c.EmbeddingDim, c.Heads, c.Window, c.QkvBias, c.DropRate, c.ProjectionStd,
            c.KeyValueHeads, c.OutputBias))
    {
        DecoderOnly = true, // Mistral's window is causal: i − window < j ≤ i
    };

    /// <summary>"learned": GPT-2's wpe, <see cref="LearnedPositionalEncoding"/>.</summary>
    public static PositionalEncodingKind Learned { get; } = new("learned", c =>
        new LearnedPositionalEncoding(c.Init, c.ContextLength, c.EmbeddingDim));

    /// <summary>"sinusoidal": <see cref="SinusoidalPositionalEncoding"/>, nothing learned.</summary>
    public static PositionalEncodingKind Sinusoidal { get; } = new("sinusoidal", c =>
        new SinusoidalPositionalEncoding(c.Init, c.ContextLength, c.EmbeddingDim));

    /// <summary>"rotary": <see cref="RotaryPositionalEncoding"/> on q and k, rope_theta = the context's Theta.</summary>
    public static PositionalEncodingKind Rotary { get; } = new("rotary", c =>
        new RotaryPositionalEncoding(c.Init, c.ContextLength, c.HeadDim, c.Theta, c.Convention, c.Scaling));

    /// <summary>"layernorm": <see cref="Layers.LayerNorm"/>.</summary>
    public static NormalizationKind LayerNorm { get; } = new("layernorm", c => new LayerNorm(c.Init, c.Dim, c.Epsilon));

    /// <summary>"rmsnorm": <see cref="Layers.RmsNorm"/>.</summary>
    public static NormalizationKind RmsNorm { get; } = new("rmsnorm", c => new RmsNorm(c.Init, c.Dim, c.Epsilon));

    /// <summary>
    /// The built-in attention kinds, in the order "valid values" lists show them: scaled-dot, sliding-window.
    /// </summary>
    public static IReadOnlyList<AttentionKind> Attention { get; } = [ScaledDot, SlidingWindow];

    /// <summary>The built-in positional encodings: learned, sinusoidal, rotary.</summary>
    public static IReadOnlyList<PositionalEncodingKind> PositionalEncodings { get; } = [Learned, Sinusoidal, Rotary];

    /// <summary>The built-in normalizations: layernorm, rmsnorm.</summary>
    public static IReadOnlyList<NormalizationKind> Normalizations { get; } = [LayerNorm, RmsNorm];

    /// <summary>The built-in kinds alone, by name: what a loader without a container resolves a config.json's kinds in.</summary>
    public static IComponentKinds Kinds { get; } = new BuiltIns();

    private sealed class BuiltIns : IComponentKinds
    {
        public AttentionKind? FindAttention(string? name) => Find(Attention, name, k => k.Name);

        public PositionalEncodingKind? FindPositionalEncoding(string? name) => Find(PositionalEncodings, name, k => k.Name);

        public NormalizationKind? FindNormalization(string? name) => Find(Normalizations, name, k => k.Name);

        private static T? Find<T>(IReadOnlyList<T> kinds, string? name, Func<T, string> nameOf) where T : class =>
            kinds.FirstOrDefault(k => string.Equals(nameOf(k), name, StringComparison.OrdinalIgnoreCase));
    }
}
