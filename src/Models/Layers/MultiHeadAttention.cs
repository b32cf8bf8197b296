using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// Causal multi-head self-attention (GPT-2's attn): separate query, key and value projections
/// ("W_query", "W_key", "W_value", with a bias when qkv_bias), scaled dot-product attention per head with a
/// causal (optionally sliding-window) mask, dropout on the attention weights, and an output projection
/// ("out_proj"). Hugging Face's fused c_attn is these three projections side by side.
/// </summary>
public sealed class MultiHeadAttention : Module, ITensorModule
{
    private readonly AttentionMaskSpec mask;

    /// <param name="window">Sliding window (Mistral): attend to at most this many positions; 0 = full causal.</param>
    /// <param name="projectionStd">Init std of out_proj (GPT-2 scales it by 1/√(2·n_layer)).</param>
    public MultiHeadAttention(ModuleInit init, int embeddingDim, int heads, bool qkvBias = false, float dropRate = 0f,
        int window = 0, float? projectionStd = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        if (embeddingDim % heads != 0)
            throw new ArgumentException(
                $"MultiHeadAttention: emb_dim {embeddingDim} must be divisible by the number of heads {heads}.", nameof(heads));
        Heads = heads;
        HeadDim = embeddingDim / heads;
        Window = window;
        mask = AttentionMaskSpec.CausalMask(window: window);

        Query = RegisterModule("W_query", new Linear(init, embeddingDim, embeddingDim, qkvBias));
        Key = RegisterModule("W_key", new Linear(init, embeddingDim, embeddingDim, qkvBias));
        Value = RegisterModule("W_value", new Linear(init, embeddingDim, embeddingDim, qkvBias));
        OutProjection = RegisterModule("out_proj", new Linear(init, embeddingDim, embeddingDim, std: projectionStd));
        AttentionDropout = RegisterModule("dropout", new Dropout(init, dropRate));
    }

    public int Heads { get; }

    /// <summary>hs = emb_dim / n_head.</summary>
    public int HeadDim { get; }

    public int Window { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Linear OutProjection { get; }

    public Dropout AttentionDropout { get; }

    /// <summary>(B, T, C) → (B, T, C), with the causal (or sliding-window) mask given at construction.</summary>
    public Tensor Forward(Tensor x) => Forward(x, mask);

    /// <summary>
    /// (B, T, C) → (B, T, C) with the keys hidden by <paramref name="attentionMask"/> instead: a BERT encoder passes a
    /// bidirectional mask with padding (<see cref="AttentionMaskSpec.Padding"/>, KeyValid [B, T]).
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec attentionMask)
    {
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3 || x.Shape[2] != Heads * HeadDim)
            throw new ArgumentException(
                $"MultiHeadAttention: x {Linear.Format(x.Shape)} must be (B, T, {Heads * HeadDim}).", nameof(x));
        int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2];

        var q = SplitHeads(Query.Forward(x), b, t); // (B, nh, T, hs)
        var k = SplitHeads(Key.Forward(x), b, t);   // (B, nh, T, hs)
        var v = SplitHeads(Value.Forward(x), b, t); // (B, nh, T, hs)

        // scores = Q·Kᵀ / √hs: (B, nh, T, hs) · (B, nh, T, hs)ᵀ → (B, nh, T, T)
        var scores = q.MatMul(k, transposeB: true).Scale(1f / MathF.Sqrt(HeadDim));
        var weights = AttentionDropout.Forward(scores.Softmax(attentionMask)); // (B, nh, T, T), hidden keys get 0

        var context = weights.MatMul(v);                                // (B, nh, T, hs)
        var merged = context.Permute(0, 2, 1, 3).Reshape(b, t, c);      // (B, T, nh, hs) → (B, T, C)
        return OutProjection.Forward(merged);
    }

    /// <summary>(B, T, C) → (B, T, nh, hs) → (B, nh, T, hs).</summary>
    private Tensor SplitHeads(Tensor x, int b, int t) => x.Reshape(b, t, Heads, HeadDim).Permute(0, 2, 1, 3);
}
