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
    /// The kinds a config.json selects: those its "llmforge" key names (<see cref="BertConfig.Kinds"/>), looked up in
    /// <paramref name="kinds"/> (default: the built-ins), or else the built-ins: scaled-dot attention,
    /// position_embedding_type (BERT's "absolute" is the learned table), normalization (BERT's "layernorm").
    /// </summary>
    /// <exception cref="KeyNotFoundException">A kind the config names is not in <paramref name="kinds"/> (the message names it and how to register it).</exception>
    public static BertComponents For(BertConfig config, IComponentKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Kinds is { } names)
        {
            var (attention, positions, normalization) = names.Resolve(kinds ?? BuiltInComponents.Kinds);
            return new(attention, positions, normalization);
        }
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

    /// <summary>The kinds' names, what config.json records.</summary>
    public ComponentKindNames Names => new(Attention.Name, PositionalEncoding.Name, Normalization.Name);

    /// <summary>
    /// <paramref name="config"/> recording these kinds: without a "llmforge" key when its Hugging Face keys select
    /// exactly these built-ins (names compared, not instances), with their names otherwise.
    /// </summary>
    public BertConfig Describe(BertConfig config) =>
        (config ?? throw new ArgumentNullException(nameof(config))) with { Kinds = Names.UnlessSelectedBy(For(config with { Kinds = null }).Names) };

    /// <summary>"attention scaled-dot, positions learned, normalization layernorm".</summary>
    public override string ToString() => Names.ToString();
}
