using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// One pre-LN GPT block (GPT-2's h.{i}):
/// x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).
/// Children: "norm1", "att", "norm2", "ff", "drop_shortcut".
/// </summary>
public sealed class TransformerBlock : Module, ITensorModule
{
    public TransformerBlock(ModuleInit init, GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        // GPT-2 scales the init of the two projections that write into the residual stream by 1/√(2·n_layer),
        // so the stream's variance does not grow with depth.
        float projectionStd = config.InitializerRange / MathF.Sqrt(2f * config.Layers);

        Norm1 = RegisterNorm("norm1", init, config);
        Attention = RegisterModule("att", new MultiHeadAttention(init, config.EmbeddingDim, config.Heads, config.QkvBias,
            config.AttentionDropRate, config.SlidingWindow ?? 0, projectionStd));
        Norm2 = RegisterNorm("norm2", init, config);
        FeedForward = RegisterModule("ff", new FeedForward(init, config.EmbeddingDim, config.FeedForwardDim,
            config.Activation, projectionStd));
        ResidualDropout = RegisterModule("drop_shortcut", new Dropout(init, config.ResidualDropRate));
    }

    /// <summary>ln_1: LayerNorm (or RMSNorm) before attention.</summary>
    public ITensorModule Norm1 { get; }

    public MultiHeadAttention Attention { get; }

    /// <summary>ln_2: before the MLP.</summary>
    public ITensorModule Norm2 { get; }

    public FeedForward FeedForward { get; }

    public Dropout ResidualDropout { get; }

    /// <summary>(B, T, C) → (B, T, C).</summary>
    public Tensor Forward(Tensor x)
    {
        x = x + ResidualDropout.Forward(Attention.Forward(Norm1.Forward(x))); // (B, T, C)
        x = x + ResidualDropout.Forward(FeedForward.Forward(Norm2.Forward(x))); // (B, T, C)
        return x;
    }

    /// <summary>The block's or the final norm: LayerNorm (GPT-2) or RMSNorm, as the config says.</summary>
    internal static ITensorModule CreateNorm(ModuleInit init, GptConfig config) => config.Normalization switch
    {
        NormalizationType.LayerNorm => new LayerNorm(init, config.EmbeddingDim, config.LayerNormEpsilon),
        NormalizationType.RmsNorm => new RmsNorm(init, config.EmbeddingDim, config.LayerNormEpsilon),
        _ => throw new ArgumentException($"GptConfig.Normalization: unknown normalization {config.Normalization}.", nameof(config)),
    };

    private ITensorModule RegisterNorm(string name, ModuleInit init, GptConfig config) =>
        (ITensorModule)RegisterModule(name, (Module)CreateNorm(init, config));
}
