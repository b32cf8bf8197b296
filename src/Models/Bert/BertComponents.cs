using LlmForge.Checkpoints;
using LlmForge.Components;

namespace LlmForge.Bert;

/// <summary>
/// Which implementation fills each pluggable part of a <see cref="BertModel"/>: the <see cref="BertConfig"/> gives
/// sizes and settings, the kinds say which class is built from them (the attention of every block, the positional
/// encoding, every norm). The attention is always given a bidirectional mask with the batch's padding.
/// </summary>
public sealed record BertComponents(AttentionKind Attention, PositionalEncodingKind PositionalEncoding, NormalizationKind Normalization)
{
    /// <summary>
    /// The built-in kinds a config.json selects: scaled-dot attention, position_embedding_type (BERT's "absolute" is
    /// the learned table), normalization (BERT's "layernorm").
    /// </summary>
    public static BertComponents For(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(
            BuiltInComponents.ScaledDot,
            config.PositionEmbedding switch
            {
                PositionEmbeddingType.Absolute => BuiltInComponents.Learned,
                PositionEmbeddingType.Sinusoidal => BuiltInComponents.Sinusoidal,
                PositionEmbeddingType.Rotary => BuiltInComponents.Rotary,
                _ => throw new ArgumentException($"BertConfig.PositionEmbedding: unknown value {config.PositionEmbedding}.", nameof(config)),
            },
            config.Normalization switch
            {
                NormalizationType.LayerNorm => BuiltInComponents.LayerNorm,
                NormalizationType.RmsNorm => BuiltInComponents.RmsNorm,
                _ => throw new ArgumentException($"BertConfig.Normalization: unknown value {config.Normalization}.", nameof(config)),
            });
    }

    /// <summary>"attention scaled-dot, positions learned, normalization layernorm".</summary>
    public override string ToString() =>
        $"attention {Attention.Name}, positions {PositionalEncoding.Name}, normalization {Normalization.Name}";
}
