using LlmForge.Checkpoints;
using LlmForge.Components;

namespace LlmForge.Gpt;

/// <summary>
/// Which implementation fills each pluggable part of a <see cref="GptModel"/>: the <see cref="GptConfig"/> gives
/// sizes and settings (heads, window, rope_theta, eps), the kinds say which class is built from them.
/// </summary>
public sealed record GptComponents(AttentionKind Attention, PositionalEncodingKind PositionalEncoding, NormalizationKind Normalization)
{
    /// <summary>
    /// The kinds a config.json selects: those its "llmforge" key names (<see cref="GptConfig.Kinds"/>), looked up in
    /// <paramref name="kinds"/> (default: the built-ins), or else the built-ins that position_embedding_type,
    /// sliding_window and normalization select.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A kind the config names is not in <paramref name="kinds"/> (the message names it and how to register it).</exception>
    public static GptComponents For(GptConfig config, IComponentKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Kinds is { } names)
        {
            var (attention, positions, normalization) = names.Resolve(kinds ?? BuiltInComponents.Kinds);
            return new(attention, positions, normalization);
        }
        return new(
            config.SlidingWindow is null ? BuiltInComponents.ScaledDot : BuiltInComponents.SlidingWindow,
            config.PositionEmbedding switch
            {
                PositionEmbeddingType.Absolute => BuiltInComponents.Learned,
                PositionEmbeddingType.Sinusoidal => BuiltInComponents.Sinusoidal,
                PositionEmbeddingType.Rotary => BuiltInComponents.Rotary,
                _ => throw new ArgumentException($"GptConfig.PositionEmbedding: unknown value {config.PositionEmbedding}.", nameof(config)),
            },
            config.Normalization switch
            {
                NormalizationType.LayerNorm => BuiltInComponents.LayerNorm,
                NormalizationType.RmsNorm => BuiltInComponents.RmsNorm,
                _ => throw new ArgumentException($"GptConfig.Normalization: unknown value {config.Normalization}.", nameof(config)),
            });
    }

    /// <summary>The kinds' names, what config.json records.</summary>
    public ComponentKindNames Names => new(Attention.Name, PositionalEncoding.Name, Normalization.Name);

    /// <summary>
    /// <paramref name="config"/> recording these kinds: without a "llmforge" key when its Hugging Face keys select
    /// exactly these built-ins (names compared, not instances), with their names otherwise.
    /// </summary>
    public GptConfig Describe(GptConfig config) =>
        (config ?? throw new ArgumentNullException(nameof(config))) with { Kinds = Names.UnlessSelectedBy(For(config with { Kinds = null }).Names) };

    /// <summary>"attention scaled-dot, positions learned, normalization layernorm".</summary>
    public override string ToString() => Names.ToString();
}
