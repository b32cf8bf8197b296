using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// One encoder layer (HF model.encoder.layers.{i}): bidirectional self-attention over the source's real tokens, then
/// the feed-forward, each with dropout and a residual add.
/// Post-LN (original, Marian): x = norm1(x + drop(att(x))); x = norm2(x + drop(ff(x))).
/// Pre-LN: x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).
/// Children: "self_att" (self_attn), "norm1" (self_attn_layer_norm), "ff" (fc1, fc2), "norm2" (final_layer_norm), "drop".
/// </summary>
public sealed class EncoderBlock : Module
{
    /// <summary>Builds encoder layer <paramref name="layer"/> of <paramref name="config"/> from <paramref name="components"/>.</summary>
    public EncoderBlock(ModuleInit init, EncoderDecoderConfig config, EncoderDecoderComponents components, int layer)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        int c = config.ModelDim;
        var norm = new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon };
        NormPosition = config.NormPosition;
        SelfAttention = RegisterComponent("self_att", components.Attention.Create(
            new AttentionContext(init, c, config.EncoderHeads) { DropRate = config.AttentionDropRate, Layer = layer }));
        Norm1 = RegisterComponent("norm1", components.Normalization.Create(norm));
        FeedForward = RegisterModule("ff", new FeedForward(init, c, config.EncoderFfnDim, config.Activation));
        Norm2 = RegisterComponent("norm2", components.Normalization.Create(norm));
        Dropout = RegisterModule("drop", new Dropout(init, config.DropRate));
    }

    /// <summary>Post-LN (Marian) or pre-LN.</summary>
    public LayerNormPosition NormPosition { get; }

    /// <summary>self_attn: q_proj, k_proj, v_proj, out_proj.</summary>
    public IAttention SelfAttention { get; }

    /// <summary>self_attn_layer_norm.</summary>
    public INormalization Norm1 { get; }

    /// <summary>fc1 (layers.0) → activation → fc2 (layers.2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>final_layer_norm.</summary>
    public INormalization Norm2 { get; }

    /// <summary>dropout on each sublayer's output before the residual add.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (B, S, C) → (B, S, C); <paramref name="sourceMask"/> is bidirectional with the source padding hidden.
    /// <paramref name="reportWeights"/>, when set, is handed the self-attention probabilities (B, nh, S, S).
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec sourceMask, Action<Tensor>? reportWeights = null)
    {
        x = ResidualSublayer.Apply(x, NormPosition, Norm1, Dropout, (SelfAttention, sourceMask, reportWeights),
            static (s, h) => s.SelfAttention.Forward(new AttentionInput(h, s.sourceMask) { ReportWeights = s.reportWeights }));
        return ResidualSublayer.Apply(x, NormPosition, Norm2, Dropout, FeedForward, static (ff, h) => ff.Forward(h));
    }
}
