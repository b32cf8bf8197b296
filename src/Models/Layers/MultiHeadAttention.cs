using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// Multi-head scaled dot-product self-attention (GPT-2's attn, BERT's attention.self + output.dense): separate
/// query, key and value projections ("W_query", "W_key", "W_value", with a bias when qkv_bias), the positional
/// encoding's turn on q and k (rotary; others leave them), softmax(q·kᵀ/√hs) under the input's mask (causal for a
/// decoder, padding for an encoder), dropout on the attention weights, and an output projection ("out_proj").
/// Hugging Face's fused c_attn is the three projections side by side. Kind name "scaled-dot".
/// Grouped-query attention (Llama 2 70B, Llama 3, Mistral, Qwen2): with <c>keyValueHeads</c> n_kv &lt; nh, W_key and
/// W_value project to n_kv · hs only and query head h reads kv head h / (nh / n_kv) (Hugging Face's repeat_kv);
/// n_kv = 1 is multi-query attention. The KV cache then stores the n_kv heads only.
/// </summary>
public class MultiHeadAttention : Module, IAttention, ITensorModule
{
    /// <param name="projectionStd">Init std of out_proj (GPT-2 scales it by 1/√(2·n_layer)).</param>
    /// <param name="init">The parameters' backend and random initialization.</param>
    /// <param name="embeddingDim">C, the model width.</param>
    /// <param name="heads">nh, which must divide C (hs = C / nh).</param>
    /// <param name="qkvBias">Whether the q, k and v projections have a bias.</param>
    /// <param name="dropRate">Dropout on the attention weights during training.</param>
    /// <param name="keyValueHeads">n_kv, the key/value heads (num_key_value_heads), which must divide
    /// <paramref name="heads"/>; 0 means <paramref name="heads"/> (plain multi-head attention).</param>
    /// <param name="outputBias">Whether out_proj has a bias (GPT-2: yes; Llama's o_proj: attention_bias).</param>
    public MultiHeadAttention(ModuleInit init, int embeddingDim, int heads, bool qkvBias = false, float dropRate = 0f,
        float? projectionStd = null, int keyValueHeads = 0, bool outputBias = true)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (embeddingDim % heads != 0)
            throw new ArgumentException(
                $"MultiHeadAttention: emb_dim {embeddingDim} must be divisible by the number of heads {heads}.", nameof(heads));
        ArgumentOutOfRangeException.ThrowIfNegative(keyValueHeads);
        if (keyValueHeads > 0 && heads % keyValueHeads != 0)
            throw new ArgumentException(
                $"MultiHeadAttention: the {heads} heads must be divisible by the key/value heads {keyValueHeads}.", nameof(keyValueHeads));
        Heads = heads;
        KeyValueHeads = keyValueHeads == 0 ? heads : keyValueHeads;
        HeadDim = embeddingDim / heads;
        int kvWidth = KeyValueHeads * HeadDim;

        Query = RegisterModule("W_query", new Linear(init, embeddingDim, embeddingDim, qkvBias));
        Key = RegisterModule("W_key", new Linear(init, embeddingDim, kvWidth, qkvBias));
        Value = RegisterModule("W_value", new Linear(init, embeddingDim, kvWidth, qkvBias));
        OutProjection = RegisterModule("out_proj", new Linear(init, embeddingDim, embeddingDim, outputBias, projectionStd));
        AttentionDropout = RegisterModule("dropout", new Dropout(init, dropRate));
    }

    /// <summary>nh: the number of heads.</summary>
    public int Heads { get; }

    /// <summary>n_kv: the key/value heads (= <see cref="Heads"/> unless grouped-query).</summary>
    public int KeyValueHeads { get; }

    /// <summary>hs = emb_dim / n_head.</summary>
    public int HeadDim { get; }

    /// <summary>W_query: [C, C] (+ [C] bias with qkv_bias), x → q.</summary>
    public Linear Query { get; }

    /// <summary>W_key: [n_kv·hs, C] (+ bias with qkv_bias), x → k; [C, C] unless grouped-query.</summary>
    public Linear Key { get; }

    /// <summary>W_value: [n_kv·hs, C] (+ bias with qkv_bias), x → v; [C, C] unless grouped-query.</summary>
    public Linear Value { get; }

    /// <summary>out_proj: [C, C] (+ [C] bias unless outputBias is false), the heads' concatenated outputs → the residual stream.</summary>
    public Linear OutProjection { get; }

    /// <summary>Dropout on the attention weights (B, nh, T, T) during training (attn_pdrop).</summary>
    public Dropout AttentionDropout { get; }

    /// <summary>(B, T, C) → (B, T, C).</summary>
    public Tensor Forward(AttentionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input.Hidden;
        if (x.Rank != 3 || x.Shape[2] != Heads * HeadDim)
            throw new ArgumentException(
                $"{GetType().Name}: x {Linear.Format(x.Shape)} must be (B, T, {Heads * HeadDim}).", nameof(input));
        int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2];

        if (input.Memory is { } memory) // cross-attention: k and v from the encoder's states, q from x
            return CrossAttention(input, memory, b, t, c);

        var q = SplitHeads(Query.Forward(x), b, t, Heads);         // (B, nh, T, hs)
        var k = SplitHeads(Key.Forward(x), b, t, KeyValueHeads);   // (B, n_kv, T, hs)
        var v = SplitHeads(Value.Forward(x), b, t, KeyValueHeads); // (B, n_kv, T, hs)
        if (input.Positions is { } positions)       // rotary turns q and k by their positions; other encodings return them
        {
            var tokens = input.Tokens;              // per-row positions (padding, batched decoding), else one run
            q = tokens is null ? positions.EncodeQueryKey(q, input.StartPosition) : positions.EncodeQueryKey(q, tokens);
            k = tokens is null ? positions.EncodeQueryKey(k, input.StartPosition) : positions.EncodeQueryKey(k, tokens);
        }

        var mask = MaskFor(input);
        if (input.Cache is { } cache) // incremental decoding: k and v join the cache, q attends over all it holds
        {
            var view = cache.Append(k, v, mask, input.TokenPositions());
            (k, v, mask) = (view.Keys, view.Values, view.Mask);     // (B, n_kv, Tk, hs), mask over the Tk keys
        }
        return Attend(input, q, k, v, mask, b, t, c);
    }

    /// <summary>
    /// Encoder-decoder attention: q (B, nh, T, hs) from the decoder's x, k and v (B, n_kv, Tk, hs) from the memory's
    /// states (B, Tk, C) — projected once per memory when it caches them (decoding) — and every query sees every real
    /// source token (the memory's padding mask, no causal part, Tk ≠ T). No positional encoding: the sinusoids or
    /// learned positions were added to both sequences' embeddings already.
    /// </summary>
    private Tensor CrossAttention(AttentionInput input, AttentionMemory memory, int b, int t, int c)
    {
        if (memory.States.Shape[0] != b || memory.States.Shape[2] != c)
            throw new ArgumentException(
                $"{GetType().Name}: memory {Linear.Format(memory.States.Shape)} must be (B = {b}, Tk, C = {c}) for queries {Linear.Format(input.Hidden.Shape)}.",
                nameof(input));
        var q = SplitHeads(Query.Forward(input.Hidden), b, t, Heads);           // (B, nh, T, hs)
        var (k, v) = memory.Project(this, states =>
        {
            int tk = states.Shape[1];
            return (SplitHeads(Key.Forward(states), b, tk, KeyValueHeads), SplitHeads(Value.Forward(states), b, tk, KeyValueHeads)); // (B, n_kv, Tk, hs) each
        });
        return Attend(input, q, k, v, memory.Mask, b, t, c);
    }

    /// <summary>softmax(q·kᵀ/√hs under <paramref name="mask"/>)·v for every head, merged and projected: (B, T, C).</summary>
    private Tensor Attend(AttentionInput input, Tensor q, Tensor k, Tensor v, AttentionMaskSpec mask, int b, int t, int c)
    {
        if (input.ReportWeights is { } report)     // only when asked: the (T, Tk) probabilities, off the graph
            using (GradMode.NoGrad())
                report(Probabilities(q, k, mask));

        var context = UsesFusedAttention(input)
            ? q.ScaledDotProductAttention(k, v, mask, 1f / MathF.Sqrt(HeadDim)) // (B, nh, T, hs), no (T, Tk) tensor
            : UnfusedAttention(q, k, v, mask);
        var merged = context.Permute(0, 2, 1, 3).Reshape(b, t, c);      // (B, T, nh, hs) → (B, T, C)
        return OutProjection.Forward(merged);
    }

    /// <summary>
    /// Whether attention runs as one fused kernel (FlashAttention) when it can; true by default. Set false to force
    /// the unfused MatMul → Softmax → MatMul path (for comparisons: the two agree to float rounding).
    /// </summary>
    public bool FusedAttention { get; set; } = true;

    /// <summary>
    /// The fused kernel applies no dropout to the attention weights and reads k and v as given, so it serves
    /// whenever that dropout is inactive (eval mode, or p = 0) and there is no KV cache (whose keys carry their own
    /// per-row mask); otherwise the unfused path runs.
    /// </summary>
    private bool UsesFusedAttention(AttentionInput input) => FusedAttention && input.Cache is null && !AttentionDropout.IsActive;

    /// <summary>softmax(Q·Kᵀ/√hs) · V through the (B, nh, T, Tk) scores, with dropout on the weights.</summary>
    private Tensor UnfusedAttention(Tensor q, Tensor k, Tensor v, AttentionMaskSpec mask)
    {
        var weights = AttentionDropout.Forward(Probabilities(q, k, mask)); // (B, nh, T, Tk)
        return ByKeyValueHead(weights).MatMul(v).Reshape(q.Shape);          // (B, n_kv, r·T, hs) → (B, nh, T, hs)
    }

    /// <summary>softmax(Q·Kᵀ/√hs) under the mask: (B, nh, T, Tk), each row summing to 1, hidden keys 0.</summary>
    private Tensor Probabilities(Tensor q, Tensor k, AttentionMaskSpec mask)
    {
        // scores = Q·Kᵀ / √hs: (B, n_kv, r·T, hs) · (B, n_kv, Tk, hs)ᵀ → (B, n_kv, r·T, Tk) = (B, nh, T, Tk) in memory;
        // Tk = T without a cache
        var scores = ByKeyValueHead(q).MatMul(k, transposeB: true).Scale(1f / MathF.Sqrt(HeadDim));
        return scores.Reshape(q.Shape[0], Heads, q.Shape[2], k.Shape[2]).Softmax(mask);
    }

    /// <summary>
    /// (B, nh, T, X) → (B, n_kv, r·T, X) with r = nh / n_kv: the r query heads that share a kv head are adjacent, so
    /// they stack into one matrix against it — repeat_kv without copying k and v (the identity when n_kv = nh).
    /// </summary>
    private Tensor ByKeyValueHead(Tensor x) =>
        KeyValueHeads == Heads ? x : x.Reshape(x.Shape[0], KeyValueHeads, Heads / KeyValueHeads * x.Shape[2], x.Shape[3]);

    /// <summary>Causal self-attention without a positional encoding: (B, T, C) → (B, T, C).</summary>
    public Tensor Forward(Tensor x) => Forward(AttentionInput.Causal(x));

    /// <summary>The mask the softmax applies; a variant (sliding window) narrows it.</summary>
    protected virtual AttentionMaskSpec MaskFor(AttentionInput input) => input.Mask;

    /// <summary>(B, T, n·hs) → (B, T, n, hs) → (B, n, T, hs).</summary>
    private Tensor SplitHeads(Tensor x, int b, int t, int heads) => x.Reshape(b, t, heads, HeadDim).Permute(0, 2, 1, 3);
}
