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
    /// <summary>
    /// Builds block <paramref name="layer"/> (0-based) of <paramref name="config"/> with the attention and norms of
    /// <paramref name="components"/>;
    /// the two projections into the residual stream are initialized with std initializer_range / √(2·n_layer), as
    /// GPT-2 does.
    /// </summary>
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
            KeyValueHeads = config.KeyValueHeads,
            OutputBias = config.AttentionOutputBias,
            DropRate = config.AttentionDropRate,
            ProjectionStd = projectionStd,
            Window = config.SlidingWindow ?? 0,
            Layer = layer,
        }));
        Norm2 = RegisterComponent("norm2", components.Normalization.Create(norm));
        FeedForward = RegisterComponent<IFeedForward>("ff", config.FeedForward == FeedForwardType.Gated
            ? new GatedFeedForward(init, c, config.FeedForwardDim, config.Activation, config.MlpBias, projectionStd)
            : new FeedForward(init, c, config.FeedForwardDim, config.Activation, projectionStd));
        ResidualDropout = RegisterModule("drop_shortcut", new Dropout(init, config.ResidualDropRate));
    }

    /// <summary>ln_1: the norm before attention.</summary>
    public INormalization Norm1 { get; }

    /// <summary>
    /// attn: self-attention (B, T, C) → (B, T, C), causal; q, k, v and the output projection (c_attn, c_proj).
    /// </summary>
    public IAttention Attention { get; }

    /// <summary>ln_2: the norm before the MLP.</summary>
    public INormalization Norm2 { get; }

    /// <summary>
    /// mlp: C → 4·C (or n_inner) → C, GPT-2's <see cref="Layers.FeedForward"/> (c_fc, activation, c_proj) or, when
    /// feed_forward is "gated", a <see cref="GatedFeedForward"/> (gate_proj, up_proj, down_proj).
    /// </summary>
    public IFeedForward FeedForward { get; }

    /// <summary>resid_pdrop on each sublayer's output before its residual add.</summary>
    public Dropout ResidualDropout { get; }

    /// <summary>
    /// (B, T, C) → (B, T, C). Attention is causal; <paramref name="positions"/> is the model's encoding, which turns
    /// q and k when it is rotary.
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions) =>
        Block(x, AttentionMaskSpec.CausalMask(), positions, tokens: null, cache: null);

    /// <summary>
    /// (B, T, C) → (B, T, C) under <paramref name="mask"/>: a causal mask that also hides padding keys
    /// (<see cref="AttentionMaskSpec.KeyValid"/>, from an attention_mask); positions run 0 … T − 1.
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions, AttentionMaskSpec mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Block(x, mask, positions, tokens: null, cache: null);
    }

    /// <summary>
    /// As <see cref="Forward(Tensor, IPositionalEncoding, AttentionMaskSpec)"/>, with the attention also handing its
    /// probabilities (B, nh, T, T) to <paramref name="reportWeights"/> (<see cref="AttentionInput.ReportWeights"/>).
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions, AttentionMaskSpec mask, Action<Tensor>? reportWeights)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Block(x, mask, positions, tokens: null, cache: null, reportWeights);
    }

    /// <summary>
    /// One incremental step, (B, T, C) → (B, T, C): the new tokens at <paramref name="tokens"/>' positions attend
    /// over <paramref name="cache"/> (earlier tokens) and themselves; the prompt's padding is hidden as a key.
    /// </summary>
    public Tensor Forward(Tensor x, IPositionalEncoding positions, TokenPositions tokens, IKvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return Forward(x, IncrementalMask(tokens, cache.Length), positions, tokens, cache);
    }

    /// <summary>
    /// <see cref="Forward(Tensor, IPositionalEncoding, TokenPositions, IKvCache)"/> with the mask already made by
    /// <see cref="IncrementalMask"/>: it is the same for every block of a pass, so a model makes it once.
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec mask, IPositionalEncoding positions, TokenPositions tokens, IKvCache cache)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(cache);
        return Block(x, mask, positions, tokens, cache);
    }

    /// <summary>The new tokens' mask: causal after the <paramref name="cachedTokens"/> a cache holds, the prompt's padding hidden.</summary>
    public static AttentionMaskSpec IncrementalMask(TokenPositions tokens, int cachedTokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new() { Causal = true, QueryOffset = cachedTokens, KeyValid = tokens.Valid };
    }

    /// <summary>x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).</summary>
    private Tensor Block(Tensor x, AttentionMaskSpec mask, IPositionalEncoding positions, TokenPositions? tokens, IKvCache? cache,
        Action<Tensor>? reportWeights = null)
    {
        var attention = Attention.Forward(new AttentionInput(Norm1.Forward(x), mask, positions)
            { Tokens = tokens, Cache = cache, ReportWeights = reportWeights });    // (B, T, C)
        x = x + ResidualDropout.Forward(attention);
        x = x + ResidualDropout.Forward(FeedForward.Forward(Norm2.Forward(x)));    // (B, T, C)
        return x;
    }
}
