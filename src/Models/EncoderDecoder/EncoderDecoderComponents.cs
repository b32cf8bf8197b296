using LlmForge.Components;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// Which implementation fills the pluggable parts of an <see cref="EncoderDecoderModel"/>: the attention kind of every
/// self- and cross-attention (a kind whose layers honour <see cref="AttentionInput.Memory"/>) and the norm kind. The
/// positions are the fixed sinusoids the config describes.
/// </summary>
public sealed record EncoderDecoderComponents(AttentionKind Attention, NormalizationKind Normalization)
{
    /// <summary>Scaled-dot attention and LayerNorm: MarianMT's.</summary>
    public static EncoderDecoderComponents Default { get; } = new(BuiltInComponents.ScaledDot, BuiltInComponents.LayerNorm);
}
