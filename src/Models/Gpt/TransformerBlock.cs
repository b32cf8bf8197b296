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
    public Tensor Forward(Tensor x, IPositionalEncoding positions) =>
        Forward(x, h => AttentionInput.Causal(h, positions));

    /// <summary>
    /// One incremental step, (B, T, C) → (B, T, C): the new tokens at <paramref name="tokens"/>' positions attend
    /// over <paramref name="cache"/> (earlier tokens) and themselves; the prompt's padding is hidden as a key.
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions, TokenPositions tokens, IKvCache cache)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(cache);
        var mask = AttentionMaskSpec.CausalMask(cache.Length) with { KeyValid = tokens.Valid };
        return Forward(x, h => new AttentionInput(h, mask, positions) { Tokens = tokens, Cache = cache });
    }

    /// <summary>x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))), the attention given what <paramref name="input"/> makes of norm1(x).</summary>
    private Tensor Forward(Tensor x, Func<Tensor, AttentionInput> input)
    {
        var attention = Attention.Forward(input(Norm1.Forward(x)));                // (B, T, C)
        x = x + ResidualDropout.Forward(attention);
        x = x + ResidualDropout.Forward(FeedForward.Forward(Norm2.Forward(x)));    // (B, T, C)
        return x;
    }
}
