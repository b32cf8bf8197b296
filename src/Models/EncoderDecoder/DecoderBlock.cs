using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// One decoder layer (HF model.decoder.layers.{i}): causal self-attention over the target so far, cross-attention
/// (encoder_attn) from each target position to every real source token — how the encoder's information reaches the
/// decoder — then the feed-forward; each with dropout and a residual add.
/// Post-LN (original, Marian): x = norm1(x + self(x)); x = norm2(x + cross(x, memory)); x = norm3(x + ff(x)).
/// Pre-LN: x = x + self(norm1(x)); x = x + cross(norm2(x), memory); x = x + ff(norm3(x)).
/// Children: "self_att", "norm1" (self_attn_layer_norm), "cross_att" (encoder_attn), "norm2" (encoder_attn_layer_norm),
/// "ff" (fc1, fc2), "norm3" (final_layer_norm), "drop".
/// </summary>
public sealed class DecoderBlock : Module
{
    /// <summary>Builds decoder layer <paramref name="layer"/> of <paramref name="config"/> from <paramref name="components"/>.</summary>
    public DecoderBlock(ModuleInit init, EncoderDecoderConfig config, EncoderDecoderComponents components, int layer)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        int c = config.ModelDim;
        var norm = new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon };
        var attention = new AttentionContext(init, c, config.DecoderHeads) { DropRate = config.AttentionDropRate, Layer = layer };
        NormPosition = config.NormPosition;
        SelfAttention = RegisterComponent("self_att", components.Attention.Create(attention));
        Norm1 = RegisterComponent("norm1", components.Normalization.Create(norm));
        CrossAttention = RegisterComponent("cross_att", components.Attention.Create(attention));
        Norm2 = RegisterComponent("norm2", components.Normalization.Create(norm));
        FeedForward = RegisterModule("ff", new FeedForward(init, c, config.DecoderFfnDim, config.Activation));
        Norm3 = RegisterComponent("norm3", components.Normalization.Create(norm));
        Dropout = RegisterModule("drop", new Dropout(init, config.DropRate));
    }

    /// <summary>Post-LN (Marian) or pre-LN.</summary>
    public LayerNormPosition NormPosition { get; }

    /// <summary>self_attn: causal, over the target tokens so far.</summary>
    public IAttention SelfAttention { get; }

    /// <summary>self_attn_layer_norm.</summary>
    public INormalization Norm1 { get; }

    /// <summary>encoder_attn: queries from the target, keys and values from the encoder's output.</summary>
    public IAttention CrossAttention { get; }

    /// <summary>encoder_attn_layer_norm.</summary>
    public INormalization Norm2 { get; }

    /// <summary>fc1 (layers.0) → activation → fc2 (layers.2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>final_layer_norm.</summary>
    public INormalization Norm3 { get; }

    /// <summary>dropout on each sublayer's output before the residual add.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (B, T, C) → (B, T, C). <paramref name="self"/> is the causal self-attention's input apart from its hidden states
    /// (mask, start position, KV cache); <paramref name="memory"/> the encoder's output (B, S, C) with the source
    /// padding. <paramref name="reportCross"/>, when set, is handed the cross-attention probabilities (B, nh, T, S).
    /// </summary>
    public Tensor Forward(Tensor x, AttentionInput self, AttentionMemory memory, Action<Tensor>? reportCross = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        x = ResidualSublayer.Apply(x, NormPosition, Norm1, Dropout, (SelfAttention, self),
            static (s, h) => s.SelfAttention.Forward(s.self with { Hidden = h }));                     // causal, over the target
        x = ResidualSublayer.Apply(x, NormPosition, Norm2, Dropout, (CrossAttention, memory, reportCross),
            static (s, h) => s.CrossAttention.Forward(AttentionInput.Cross(h, s.memory) with { ReportWeights = s.reportCross })); // over the source
        return ResidualSublayer.Apply(x, NormPosition, Norm3, Dropout, FeedForward, static (ff, h) => ff.Forward(h));
    }
}
