namespace LlmForge.Hosting;

/// <summary>
/// One named model variant (<c>LlmForge:Variants:{name}</c>): the architecture, its sizes, and which component kind
/// fills each pluggable part. The names are .NET's; the remarks give the config.json key each one becomes.
/// Defaults are the nanoGPT CPU "baby" GPT (context 64, 4 layers, 4 heads, 128 wide, no dropout).
/// </summary>
public sealed class ModelVariantOptions
{
    /// <summary>
    /// "gpt" (a decoder, <see cref="Gpt.GptModel"/>), "llama" (the same decoder in Hugging Face's Llama layout), "bert"
    /// (an encoder, <see cref="Bert.BertModel"/>) or "encoder-decoder" (a translator, <see cref="EncoderDecoder.EncoderDecoderModel"/>).
    /// </summary>
    public string Architecture { get; set; } = ModelArchitectures.Gpt;

    /// <summary>vocab_size; 0 (the default) means the tokenizer's, filled in when the model is built.</summary>
    public int VocabSize { get; set; }

    /// <summary>n_positions / max_position_embeddings: the longest sequence.</summary>
    public int ContextLength { get; set; } = 64;

    /// <summary>n_embd / hidden_size: the model width C.</summary>
    public int EmbeddingDim { get; set; } = 128;

    /// <summary>n_layer / num_hidden_layers.</summary>
    public int Layers { get; set; } = 4;

    /// <summary>n_head / num_attention_heads; must divide <see cref="EmbeddingDim"/>.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>n_inner / intermediate_size: the MLP width; null means 4 · <see cref="EmbeddingDim"/>.</summary>
    public int? InnerDim { get; set; }

    /// <summary>
    /// num_key_value_heads: key/value heads of grouped-query attention (must divide Heads; 1 = multi-query); null means
    /// Heads. Fewer than Heads needs Architecture "llama" (the GPT-2 layout stores q | k | v in one tensor).
    /// </summary>
    public int? KvHeads { get; set; }

    /// <summary>mlp_bias: biases on a gated feed-forward's gate/up/down projections (Architecture "llama" only).</summary>
    public bool MlpBias { get; set; }

    /// <summary>Every dropout of the model (embeddings, attention, residual), in [0, 1).</summary>
    public float Dropout { get; set; }

    /// <summary>initializer_range: std of the normal weight init.</summary>
    public float InitializerRange { get; set; } = 0.02f;

    /// <summary>
    /// The feed-forward's activation; null means the architecture's own (GPT: "gelu_new", BERT: "gelu"). Both take
    /// "gelu_new" (tanh GELU) and "gelu" (erf); a GPT also "relu", "silu", and the gated feed-forwards "swiglu" and
    /// "geglu" (<see cref="VariantActivations"/>), whose three matrices of InnerDim make ⅔·4·EmbeddingDim the width
    /// with a 4·EmbeddingDim MLP's parameters.
    /// </summary>
    public string? Activation { get; set; }

    /// <summary>GPT only: tie_word_embeddings (lm_head shares wte). BERT's MLM decoder is always tied.</summary>
    public bool TieWeights { get; set; }

    /// <summary>qkv_bias: whether q, k and v have a bias (GPT; BERT always has one).</summary>
    public bool QkvBias { get; set; }

    /// <summary>
    /// GPT only: sink_token, a learned vector read at position 0 before every sequence (StreamingLLM's sink token),
    /// which a sink KV cache keeps as its first sink. Needs rotary positions and full (scaled-dot) attention.
    /// </summary>
    public bool SinkToken { get; set; }

    /// <summary>BERT and encoder-decoder only: "post" (original BERT and Marian, the default) or "pre" LayerNorm. GPT blocks are always pre-LN.</summary>
    public string? NormPosition { get; set; }

    /// <summary>BERT only: type_vocab_size (segments).</summary>
    public int TypeVocabSize { get; set; } = 2;

    /// <summary>encoder-decoder only: decoder blocks (Layers counts the encoder's); null = as many as the encoder.</summary>
    public int? DecoderLayers { get; set; }

    /// <summary>encoder-decoder only: whether token embeddings are multiplied by √EmbeddingDim (Marian's scale_embedding).</summary>
    public bool ScaleEmbedding { get; set; }

    /// <c>…:Attention</c>: the attention kind and its window.
    public AttentionOptions Attention { get; set; } = new();

    /// <c>…:PositionalEncoding</c>: the positional-encoding kind and rope_theta.
    public PositionalEncodingOptions PositionalEncoding { get; set; } = new();

    /// <c>…:Normalization</c>: the normalization kind and its epsilon.
    public NormalizationOptions Normalization { get; set; } = new();

    /// <summary>
    /// <c>…:Training</c>: the variant's own training settings (keys of <see cref="Training.TrainingOptions"/>, e.g.
    /// <c>"BatchSize": 32</c>), laid over <c>LlmForge:Training</c> when this variant is the one built, each by the
    /// configuration source that sets it (<see cref="VariantTraining"/>). Empty: the shared Training section as it is.
    /// </summary>
    public Dictionary<string, string?> Training { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// <c>…:Attention</c>: the attention kind of every block ("scaled-dot", "sliding-window" or a name given to
/// <c>services.AddAttention</c>) and its window.
/// </summary>
public sealed class AttentionOptions
{
    /// <summary>
    /// The attention kind's name, case-insensitive: "scaled-dot" (default), "sliding-window" or a registered one.
    /// </summary>
    public string Kind { get; set; } = "scaled-dot";

    /// <summary>sliding_window: positions each query sees, itself included; required (≥ 1) by "sliding-window", 0 = none.</summary>
    public int Window { get; set; }
}

/// <summary><c>…:PositionalEncoding</c>: "learned" (GPT-2's wpe), "sinusoidal", "rotary" or a registered name.</summary>
public sealed class PositionalEncodingOptions
{
    /// <summary>
    /// The positional encoding's name, case-insensitive: "learned" (default), "sinusoidal", "rotary" or a registered
    /// one.
    /// </summary>
    public string Kind { get; set; } = "learned";

    /// <summary>rope_theta: base of the rotary frequencies.</summary>
    public double Theta { get; set; } = 10000;
}

/// <summary><c>…:Normalization</c>: "layernorm", "rmsnorm" or a registered name.</summary>
public sealed class NormalizationOptions
{
    /// <summary>
    /// The normalization's name, case-insensitive: "layernorm" (default), "rmsnorm" or a registered one.
    /// </summary>
    public string Kind { get; set; } = "layernorm";

    /// <summary>layer_norm_epsilon / layer_norm_eps; null means the architecture's own (GPT 1e-5, BERT 1e-12).</summary>
    public float? Epsilon { get; set; }
}
