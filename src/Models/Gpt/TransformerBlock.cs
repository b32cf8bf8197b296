using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// One pre-LN GPT block (GPT-2's h.{i}):
/// x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).
/// The attention and the norms are whatever kinds <see cref="GptComponents"/> names.
/// Children: "norm1", "att", "norm2", "ff", "drop_shortcut".
/// </summary>
public sealed class TransformerBlock : Module
{
    public TransformerBlock(ModuleInit init, GptConfig config, GptComponents components, int layer)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        // GPT-2 scales the init of the two projections that write into the residual stream by 1/√(2·n_layer),
        // so the stream's variance does not grow with depth.
        float projectionStd = config.InitializerRange / MathF.Sqrt(2f * config.Layers);
        int c = config.EmbeddingDim;
        var norm = new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon };

        Norm1 = RegisterComponent("norm1", components.Normalization.Create(norm));
        Attention = RegisterComponent("att", components.Attention.Create(new AttentionContext(init, c, config.Heads)
        {
            QkvBias = config.QkvBias,
            DropRate = config.AttentionDropRate,
            ProjectionStd = projectionStd,
            Window = config.SlidingWindow ?? 0,
            Layer = layer,
        }));
        Norm2 = RegisterComponent("norm2", components.Normalization.Create(norm));
        FeedForward = RegisterModule("ff", new FeedForward(init, c, config.FeedForwardDim, config.Activation, projectionStd));
        ResidualDropout = RegisterModule("drop_shortcut", new Dropout(init, config.ResidualDropRate));
    }

    /// <summary>ln_1: the norm before attention.</summary>
    public INormalization Norm1 { get; }

    public IAttention Attention { get; }

    /// <summary>ln_2: the norm before the MLP.</summary>
    public INormalization Norm2 { get; }

    public FeedForward FeedForward { get; }

    public Dropout ResidualDropout { get; }

    /// <summary>
    /// (B, T, C) → (B, T, C). Attention is causal; <paramref name="positions"/> is the model's encoding, which turns
    /// q and k when it is rotary.
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions)
    {
        var attention = Attention.Forward(AttentionInput.Causal(Norm1.Forward(x), positions)); // (B, T, C)
        x = x + ResidualDropout.Forward(attention);
        x = x + ResidualDropout.Forward(FeedForward.Forward(Norm2.Forward(x)));                // (B, T, C)
        return x;
    }
}
