using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary>
/// The shape and hyperparameters of a GPT-2-style decoder. Defaults are GPT-2 small (124M) as
/// Hugging Face's GPT2Config defines it; each property notes its config.json key.
/// Read and written as config.json by <see cref="GptConfigJson"/>.
/// </summary>
public sealed record GptConfig
{
    /// <summary>vocab_size: rows of the token embedding wte and of lm_head.</summary>
    public int VocabSize { get; init; } = 50257;

    /// <summary>n_positions: the longest sequence; rows of the position embedding wpe.</summary>
    public int ContextLength { get; init; } = 1024;

    /// <summary>n_embd: the model width C (emb_dim).</summary>
    public int EmbeddingDim { get; init; } = 768;

    /// <summary>n_layer: transformer blocks.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>n_head: attention heads; must divide <see cref="EmbeddingDim"/>.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>n_inner: MLP hidden width; null means 4 · <see cref="EmbeddingDim"/>.</summary>
    public int? InnerDim { get; init; }

    /// <summary>
    /// activation_function: "gelu_new" (tanh GELU, GPT-2), "gelu" (erf), "relu" or "silu"; in a gated feed-forward,
    /// the gate's function (silu: SwiGLU, gelu: GeGLU).
    /// </summary>
    public ActivationFunction Activation { get; init; } = ActivationFunction.GeluTanh;

    /// <summary>
    /// feed_forward (LlmForge): "mlp" (GPT-2's, the default) or "gated" (down(act(gate(x)) ⊙ up(x)), three matrices of
    /// <see cref="FeedForwardDim"/>, no biases).
    /// </summary>
    public FeedForwardType FeedForward { get; init; } = FeedForwardType.Mlp;

    /// <summary>layer_norm_epsilon.</summary>
    public float LayerNormEpsilon { get; init; } = 1e-5f;

    /// <summary>embd_pdrop: dropout after token + position embeddings.</summary>
    public float EmbeddingDropRate { get; init; } = 0.1f;

    /// <summary>attn_pdrop: dropout on the attention probabilities.</summary>
    public float AttentionDropRate { get; init; } = 0.1f;

    /// <summary>resid_pdrop: dropout on each block's attention and MLP outputs before the residual add.</summary>
    public float ResidualDropRate { get; init; } = 0.1f;

    /// <summary>initializer_range: standard deviation of the normal weight init.</summary>
    public float InitializerRange { get; init; } = 0.02f;

    /// <summary>tie_word_embeddings: lm_head shares wte's weight (no separate lm_head.weight).</summary>
    public bool TieWeights { get; init; } = true;

    /// <summary>qkv_bias (LlmForge; Llama layout: attention_bias): whether attn.c_attn (q, k, v) has a bias; HF GPT-2 always has one.</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>
    /// Whether the attention's output projection (c_proj, o_proj) has a bias: GPT-2 yes; Llama layout: attention_bias
    /// (Qwen2 has q/k/v biases but none here). Only the Llama layout can drop it.
    /// </summary>
    public bool AttentionOutputBias { get; init; } = true;

    /// <summary>mlp_bias (Llama layout): whether a gated feed-forward's gate/up/down projections have biases.</summary>
    public bool MlpBias { get; init; }

    /// <summary>
    /// num_key_value_heads: the key/value heads of grouped-query attention (query head h reads kv head
    /// h / (n_head / n_kv)); null means <see cref="Heads"/> (multi-head), 1 multi-query. Must divide Heads; the GPT-2
    /// layout stores q | k | v in one c_attn, so only the Llama layout takes fewer.
    /// </summary>
    public int? KvHeads { get; init; }

    /// <summary>rope_convention (LlmForge): which head dims rotary pairs, rotate_half (HF Llama, the default) or interleaved (GPT-J).</summary>
    public RotaryConvention RopeConvention { get; init; }

    /// <summary>rope_scaling: the remapping of the rotary frequencies ("llama3", "linear"); null = none.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>
    /// model_type of the checkpoint layout: null for GPT-2's (config.json "gpt2" or "llmforge-gpt", tensors
    /// transformer.h.{i}.…), or "llama", "qwen2" or "mistral" for Hugging Face's LlamaForCausalLM layout
    /// (model.layers.{i}.self_attn.q_proj…, see <see cref="LlamaConfigJson"/>).
    /// </summary>
    public string? ModelType { get; init; }

    /// <summary>Whether the checkpoint layout is Llama's (<see cref="ModelType"/> set).</summary>
    public bool IsLlamaLayout => ModelType is not null;

    /// <summary>n_kv: <see cref="KvHeads"/>, or <see cref="Heads"/> when it is null.</summary>
    public int KeyValueHeads => KvHeads ?? Heads;

    /// <summary>bos_token_id.</summary>
    public int BosTokenId { get; init; } = 50256;

    /// <summary>eos_token_id ("&lt;|endoftext|&gt;" in GPT-2's vocabulary).</summary>
    public int EosTokenId { get; init; } = 50256;

    /// <summary>position_embedding_type (LlmForge): "absolute" (GPT-2's learned wpe), "sinusoidal" or "rotary".</summary>
    public PositionEmbeddingType PositionEmbedding { get; init; } = PositionEmbeddingType.Absolute;

    /// <summary>rope_theta (LlmForge): base of the rotary frequencies, used when <see cref="PositionEmbedding"/> is Rotary.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>sliding_window (LlmForge): each query sees at most this many positions, itself included (Mistral); null = full causal.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>normalization (LlmForge): "layernorm" (GPT-2) or "rmsnorm".</summary>
    public NormalizationType Normalization { get; init; } = NormalizationType.LayerNorm;

    /// <summary>
    /// sink_token (LlmForge): a learned vector (sink_emb.weight [1, C], not a token of the vocabulary) prepended at
    /// position 0 of every sequence the model reads, so that training teaches it to park attention there
    /// (StreamingLLM's "sink token", Xiao et al. 2023); a sink KV cache then keeps it as its first sink. Needs
    /// rotary positions and full attention. False: no such token (every config written before the key existed).
    /// </summary>
    public bool SinkToken { get; init; }

    /// <summary>Positions the model takes before the text: 1 with a <see cref="SinkToken"/>, else 0.</summary>
    public int PrefixLength => SinkToken ? 1 : 0;

    /// <summary>
    /// llmforge (LlmForge, a key transformers ignores): the component kinds by name, when the keys above cannot
    /// select them (a user's own normalization, say); null means the built-ins those keys select
    /// (<see cref="Gpt.GptComponents.For(GptConfig, IComponentKinds?)"/>). A loader resolves them through the registered kinds.
    /// </summary>
    public ComponentKindNames? Kinds { get; init; }

    /// <summary>
    /// Width of the MLP hidden layer: n_inner, or 4·C when it is null (also for a gated feed-forward, which then has
    /// 1.5× the parameters of the plain MLP; ⅔·4C matches them).
    /// </summary>
    public int FeedForwardDim => InnerDim ?? 4 * EmbeddingDim;

    /// <summary>Width of one attention head: C / n_head.</summary>
    public int HeadDim => EmbeddingDim / Heads;

    /// <summary>GPT-2 small, 124M parameters (the defaults).</summary>
    public static GptConfig Gpt2Small { get; } = new();

    /// <summary>GPT-2 medium, 355M parameters.</summary>
    public static GptConfig Gpt2Medium { get; } = new() { EmbeddingDim = 1024, Layers = 24, Heads = 16 };

    /// <summary>GPT-2 large, 774M parameters.</summary>
    public static GptConfig Gpt2Large { get; } = new() { EmbeddingDim = 1280, Layers = 36, Heads = 20 };

    /// <summary>GPT-2 XL, 1558M parameters.</summary>
    public static GptConfig Gpt2XL { get; } = new() { EmbeddingDim = 1600, Layers = 48, Heads = 25 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property and its config.json key.</summary>
    public void Validate()
    {
        if (FindError() is { } error)
        {
            throw new ArgumentException(error);
        }
    }

    /// <summary>The first problem, as "Property (json_key) …", or null when the config is valid.</summary>
    public string? FindError()
    {
        static string? Positive(string name, string key, long value) =>
            value > 0 ? null : $"{name} ({key}) must be positive, got {value}.";
        static string? Rate(string name, string key, float value) =>
            value is >= 0f and < 1f ? null : $"{name} ({key}) must be in [0, 1), got {value}.";

        return Positive(nameof(VocabSize), "vocab_size", VocabSize)
            ?? Positive(nameof(ContextLength), "n_positions", ContextLength)
            ?? Positive(nameof(EmbeddingDim), "n_embd", EmbeddingDim)
            ?? Positive(nameof(Layers), "n_layer", Layers)
            ?? Positive(nameof(Heads), "n_head", Heads)
            ?? (EmbeddingDim % Heads != 0
                ? $"{nameof(EmbeddingDim)} (n_embd) {EmbeddingDim} must be divisible by {nameof(Heads)} (n_head) {Heads}."
                : null)
            ?? (InnerDim is int inner ? Positive(nameof(InnerDim), "n_inner", inner) : null)
            ?? TensorSizeLimit.Check("vocab_size", VocabSize, "n_embd", EmbeddingDim)
            ?? TensorSizeLimit.Check("n_positions", ContextLength, "n_embd", EmbeddingDim)
            ?? TensorSizeLimit.Check("3 × n_embd", 3L * EmbeddingDim, "n_embd", EmbeddingDim)
            ?? TensorSizeLimit.Check(InnerDim is null ? "4 × n_embd" : "n_inner", InnerDim ?? 4L * EmbeddingDim, "n_embd", EmbeddingDim)
            ?? (Enum.IsDefined(Activation) ? null : $"{nameof(Activation)} (activation_function) {Activation} is not a known activation.")
            ?? (Enum.IsDefined(FeedForward) ? null : $"{nameof(FeedForward)} (feed_forward) {FeedForward} is unknown.")
            ?? (float.IsFinite(LayerNormEpsilon) && LayerNormEpsilon > 0
                ? null
                : $"{nameof(LayerNormEpsilon)} (layer_norm_epsilon) must be positive, got {LayerNormEpsilon}.")
            ?? Rate(nameof(EmbeddingDropRate), "embd_pdrop", EmbeddingDropRate)
            ?? Rate(nameof(AttentionDropRate), "attn_pdrop", AttentionDropRate)
            ?? Rate(nameof(ResidualDropRate), "resid_pdrop", ResidualDropRate)
            ?? (float.IsFinite(InitializerRange) && InitializerRange >= 0
                ? null
                : $"{nameof(InitializerRange)} (initializer_range) must be ≥ 0, got {InitializerRange}.")
            ?? (BosTokenId >= 0 ? null : $"{nameof(BosTokenId)} (bos_token_id) must be ≥ 0, got {BosTokenId}.")
            ?? (EosTokenId >= 0 ? null : $"{nameof(EosTokenId)} (eos_token_id) must be ≥ 0, got {EosTokenId}.")
            ?? (Enum.IsDefined(PositionEmbedding) ? null : $"{nameof(PositionEmbedding)} (position_embedding_type) {PositionEmbedding} is unknown.")
            ?? (double.IsFinite(RopeTheta) && RopeTheta > 0 ? null : $"{nameof(RopeTheta)} (rope_theta) must be positive, got {RopeTheta}.")
            ?? (PositionEmbedding == PositionEmbeddingType.Rotary && HeadDim % 2 != 0
                ? $"{nameof(PositionEmbedding)} (position_embedding_type) rotary needs an even head dim; n_embd / n_head = {EmbeddingDim} / {Heads} = {HeadDim}."
                : null)
            ?? (SlidingWindow is int window ? Positive(nameof(SlidingWindow), "sliding_window", window) : null)
            ?? (Enum.IsDefined(Normalization) ? null : $"{nameof(Normalization)} (normalization) {Normalization} is unknown.")
            ?? (SinkToken && PositionEmbedding != PositionEmbeddingType.Rotary
                ? $"{nameof(SinkToken)} (sink_token) needs rotary positions (position_embedding_type rotary), got {PositionEmbedding.ToString().ToLowerInvariant()}."
                : null)
            ?? (SinkToken && SlidingWindow is not null
                ? $"{nameof(SinkToken)} (sink_token) needs full attention; sliding_window {SlidingWindow} would hide the sink from later queries."
                : null)
            ?? (KvHeads is int kv && (kv <= 0 || Heads % kv != 0)
                ? $"{nameof(KvHeads)} (num_key_value_heads) {kv} must be positive and divide {nameof(Heads)} (n_head) {Heads}."
                : null)
            ?? (Enum.IsDefined(RopeConvention) ? null : $"{nameof(RopeConvention)} (rope_convention) {RopeConvention} is unknown.")
            ?? RopeScaling?.FindError()
            ?? (ModelType is null or LlamaConfigJson.LlamaModelType or LlamaConfigJson.Qwen2ModelType or LlamaConfigJson.MistralModelType
                ? null : $"{nameof(ModelType)} (model_type) \"{ModelType}\" is not a Llama-layout model type (llama, qwen2, mistral).")
            ?? (IsLlamaLayout ? LlamaLayoutError() : Gpt2LayoutError())
            ?? Kinds?.FindError();
    }

    /// <summary>What the GPT-2 layout (one c_attn of q | k | v, biased c_proj, unbiased gated projections) cannot store.</summary>
    private string? Gpt2LayoutError() =>
        KeyValueHeads != Heads ? $"{nameof(KvHeads)} (num_key_value_heads) {KeyValueHeads} below n_head {Heads} needs the Llama layout (model_type llama)."
        : !AttentionOutputBias ? $"{nameof(AttentionOutputBias)} false needs the Llama layout (model_type llama); GPT-2's c_proj always has a bias."
        : MlpBias ? $"{nameof(MlpBias)} (mlp_bias) needs the Llama layout (model_type llama)."
        : RopeScaling is not null ? $"{nameof(RopeScaling)} (rope_scaling) needs the Llama layout (model_type llama)."
        : null;

    /// <summary>What the Llama layout requires: RMSNorm, rotary positions and a gated feed-forward, built-in kinds.</summary>
    private string? LlamaLayoutError() =>
        Normalization != NormalizationType.RmsNorm ? $"model_type {ModelType} needs {nameof(Normalization)} rmsnorm, got {Normalization}."
        : PositionEmbedding != PositionEmbeddingType.Rotary ? $"model_type {ModelType} needs rotary positions, got {PositionEmbedding}."
        : FeedForward != FeedForwardType.Gated ? $"model_type {ModelType} needs a gated feed-forward (hidden_act silu: SwiGLU), got {FeedForward}."
        : QkvBias != AttentionOutputBias && ModelType != LlamaConfigJson.Qwen2ModelType
            ? $"model_type {ModelType} has one attention_bias for q, k, v and o; only qwen2 biases q, k, v alone."
        : SlidingWindow is not null && ModelType != LlamaConfigJson.MistralModelType
            ? $"model_type {ModelType} has no sliding_window; Mistral's layout (model_type mistral) has."
        : Kinds is not null ? $"model_type {ModelType} is built from the built-in kinds only (no \"llmforge\" kinds key)."
        : SinkToken ? $"model_type {ModelType} has no {nameof(SinkToken)} (sink_token); LlmForge's GPT-2 layout stores it."
        : null;
}
