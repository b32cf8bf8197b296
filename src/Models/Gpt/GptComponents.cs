using LlmForge.Checkpoints;
using LlmForge.Components;

namespace LlmForge.Gpt;

/// <summary>
/// Which implementation fills each pluggable part of a <see cref="GptModel"/>: the <see cref="GptConfig"/> gives
/// sizes and settings (heads, window, rope_theta, eps), the kinds say which class is built from them.
/// </summary>
public sealed record GptComponents(AttentionKind Attention, PositionalEncodingKind PositionalEncoding, NormalizationKind Normalization)
{
    /// <summary>The built-in kinds a config.json selects: position_embedding_type, sliding_window, normalization.</summary>
    public static GptComponents For(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
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

    /// <summary>"attention scaled-dot, positions learned, normalization layernorm".</summary>
    public override string ToString() =>
        $"attention {Attention.Name}, positions {PositionalEncoding.Name}, normalization {Normalization.Name}";
}
