using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// One BERT encoder layer (HF bert.encoder.layer.{i}): bidirectional multi-head self-attention over the
/// unpadded keys, then the feed-forward (exact-erf GELU), each with dropout and a residual add.
/// Post-LN (original BERT): x = norm1(x + drop(att(x))); x = norm2(x + drop(ff(x))).
/// Pre-LN: x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).
/// Children: "att", "norm1", "ff", "norm2", "drop".
/// </summary>
public sealed class BertBlock : Module
{
    public BertBlock(ModuleInit init, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        int c = config.HiddenSize;
        NormPosition = config.NormPosition;
        Attention = RegisterModule("att", new MultiHeadAttention(init, c, config.Heads, qkvBias: true, config.AttentionDropRate));
        Norm1 = RegisterModule("norm1", new LayerNorm(init, c, config.LayerNormEpsilon));
        FeedForward = RegisterModule("ff", new FeedForward(init, c, config.IntermediateSize, config.Activation));
        Norm2 = RegisterModule("norm2", new LayerNorm(init, c, config.LayerNormEpsilon));
        Dropout = RegisterModule("drop", new Dropout(init, config.HiddenDropRate));
    }

    public LayerNormPosition NormPosition { get; }

    /// <summary>attention.self (W_query, W_key, W_value) and attention.output.dense (out_proj).</summary>
    public MultiHeadAttention Attention { get; }

    /// <summary>attention.output.LayerNorm.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>intermediate.dense (layers.0) and output.dense (layers.2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>output.LayerNorm.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>hidden_dropout_prob, on each sub-layer's output before the residual add.</summary>
    public Dropout Dropout { get; }

    /// <summary>(B, T, C) → (B, T, C); <paramref name="mask"/> hides the padding keys.</summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec mask)
    {
        if (NormPosition == LayerNormPosition.Post)
        {
            x = Norm1.Forward(x + Dropout.Forward(Attention.Forward(x, mask)));
            return Norm2.Forward(x + Dropout.Forward(FeedForward.Forward(x)));
        }
        x = x + Dropout.Forward(Attention.Forward(Norm1.Forward(x), mask));
        return x + Dropout.Forward(FeedForward.Forward(Norm2.Forward(x)));
    }
}
