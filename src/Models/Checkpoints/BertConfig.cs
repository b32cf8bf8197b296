using LlmForge.Backends;
using LlmForge.Components;

namespace LlmForge.Checkpoints;

/// <summary>Where a BERT block applies its LayerNorms.</summary>
public enum LayerNormPosition
{
    /// <summary>Original BERT: x = LN(x + drop(att(x))); x = LN(x + drop(ff(x))).</summary>
    Post,

    /// <summary>x = x + drop(att(LN(x))); x = x + drop(ff(LN(x))), and one more LN after the last block.</summary>
    Pre,
}

/// <summary>
/// The shape and hyperparameters of a BERT encoder. Defaults are bert-base-uncased as Hugging Face's BertConfig
/// defines it; each property notes its config.json key. Read and written by <see cref="BertConfigJson"/>.
/// </summary>
public sealed record BertConfig
{
    /// <summary>vocab_size: rows of the word embedding (and columns of the tied MLM decoder).</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>hidden_size: the model width C.</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary>num_hidden_layers.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>num_attention_heads; must divide <see cref="HiddenSize"/>.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>intermediate_size: the feed-forward width.</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>max_position_embeddings: the longest input; rows of the position embedding.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>type_vocab_size: token types (segments A and B), rows of the token-type embedding.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>layer_norm_eps.</summary>
    public float LayerNormEpsilon { get; init; } = 1e-12f;

    /// <summary>hidden_act: "gelu" (exact erf, BERT's) or "gelu_new" (tanh approximation).</summary>
    public GeluApproximation Activation { get; init; } = GeluApproximation.Erf;

    /// <summary>hidden_dropout_prob: dropout on the embeddings and before each residual add.</summary>
    public float HiddenDropRate { get; init; } = 0.1f;

    /// <summary>attention_probs_dropout_prob: dropout on the attention probabilities.</summary>
    public float AttentionDropRate { get; init; } = 0.1f;

    /// <summary>classifier_dropout: dropout before the classifier; null means <see cref="HiddenDropRate"/>.</summary>
    public float? ClassifierDropRate { get; init; }

    /// <summary>initializer_range: standard deviation of the normal weight init.</summary>
    public float InitializerRange { get; init; } = 0.02f;

    /// <summary>pad_token_id.</summary>
    public int PadTokenId { get; init; }

    /// <summary>layer_norm_position (LlmForge): "post" (original BERT, the only layout transformers reads) or "pre".</summary>
    public LayerNormPosition NormPosition { get; init; } = LayerNormPosition.Post;

    /// <summary>
    /// position_embedding_type: "absolute" (BERT's learned position_embeddings), or LlmForge's "sinusoidal" and
    /// "rotary" (no position_embeddings tensor).
    /// </summary>
    public PositionEmbeddingType PositionEmbedding { get; init; } = PositionEmbeddingType.Absolute;

    /// <summary>rope_theta (LlmForge): base of the rotary frequencies, used when <see cref="PositionEmbedding"/> is Rotary.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>normalization (LlmForge): "layernorm" (BERT) or "rmsnorm" (no LayerNorm.bias tensors).</summary>
    public NormalizationType Normalization { get; init; } = NormalizationType.LayerNorm;

    /// <summary>
    /// llmforge (LlmForge, a key transformers ignores): the component kinds by name, when the keys above cannot
    /// select them (a user's own normalization, say); null means the built-ins those keys select
    /// (<see cref="Bert.BertComponents.For(BertConfig, IComponentKinds?)"/>). A loader resolves them through the registered kinds.
    /// </summary>
    public ComponentKindNames? Kinds { get; init; }

    /// <summary>id2label: class names of the sequence-classification head, by class id (empty: no classifier).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Width of one attention head: C / heads.</summary>
    public int HeadDim => HiddenSize / Heads;

    /// <summary>The dropout before the classifier.</summary>
    public float EffectiveClassifierDropRate => ClassifierDropRate ?? HiddenDropRate;

    /// <summary>bert-base-uncased: 12 layers, 768 wide, 12 heads (the defaults).</summary>
    public static BertConfig BertBase { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property and its config.json key.</summary>
    public void Validate()
    {
        if (FindError() is { } error) throw new ArgumentException(error);
    }

    /// <summary>The first problem, as "Property (json_key) …", or null when the config is valid.</summary>
    public string? FindError()
    {
        static string? Positive(string name, string key, long value) =>
            value > 0 ? null : $"{name} ({key}) must be positive, got {value}.";
        static string? Rate(string name, string key, float value) =>
            value is >= 0f and < 1f ? null : $"{name} ({key}) must be in [0, 1), got {value}.";

        return Positive(nameof(VocabSize), "vocab_size", VocabSize)
            ?? Positive(nameof(HiddenSize), "hidden_size", HiddenSize)
            ?? Positive(nameof(Layers), "num_hidden_layers", Layers)
            ?? Positive(nameof(Heads), "num_attention_heads", Heads)
            ?? (HiddenSize % Heads != 0
                ? $"{nameof(HiddenSize)} (hidden_size) {HiddenSize} must be divisible by {nameof(Heads)} (num_attention_heads) {Heads}."
                : null)
            ?? Positive(nameof(IntermediateSize), "intermediate_size", IntermediateSize)
            ?? Positive(nameof(MaxPositions), "max_position_embeddings", MaxPositions)
            ?? Positive(nameof(TypeVocabSize), "type_vocab_size", TypeVocabSize)
            ?? TensorSizeLimit.Check("vocab_size", VocabSize, "hidden_size", HiddenSize)
            ?? TensorSizeLimit.Check("max_position_embeddings", MaxPositions, "hidden_size", HiddenSize)
            ?? TensorSizeLimit.Check("type_vocab_size", TypeVocabSize, "hidden_size", HiddenSize)
            ?? TensorSizeLimit.Check("hidden_size", HiddenSize, "hidden_size", HiddenSize)
            ?? TensorSizeLimit.Check("intermediate_size", IntermediateSize, "hidden_size", HiddenSize)
            ?? (float.IsFinite(LayerNormEpsilon) && LayerNormEpsilon > 0
                ? null
                : $"{nameof(LayerNormEpsilon)} (layer_norm_eps) must be positive, got {LayerNormEpsilon}.")
            ?? (Enum.IsDefined(Activation) ? null : $"{nameof(Activation)} (hidden_act) {Activation} is not a known GELU.")
            ?? Rate(nameof(HiddenDropRate), "hidden_dropout_prob", HiddenDropRate)
            ?? Rate(nameof(AttentionDropRate), "attention_probs_dropout_prob", AttentionDropRate)
            ?? (ClassifierDropRate is float c ? Rate(nameof(ClassifierDropRate), "classifier_dropout", c) : null)
            ?? (float.IsFinite(InitializerRange) && InitializerRange >= 0
                ? null
                : $"{nameof(InitializerRange)} (initializer_range) must be ≥ 0, got {InitializerRange}.")
            ?? (PadTokenId >= 0 && PadTokenId < VocabSize
                ? null
                : $"{nameof(PadTokenId)} (pad_token_id) {PadTokenId} must be in [0, vocab_size {VocabSize}).")
            ?? (Enum.IsDefined(NormPosition) ? null : $"{nameof(NormPosition)} (layer_norm_position) {NormPosition} is unknown.")
            ?? (Enum.IsDefined(PositionEmbedding) ? null : $"{nameof(PositionEmbedding)} (position_embedding_type) {PositionEmbedding} is unknown.")
            ?? (double.IsFinite(RopeTheta) && RopeTheta > 0 ? null : $"{nameof(RopeTheta)} (rope_theta) must be positive, got {RopeTheta}.")
            ?? (PositionEmbedding == PositionEmbeddingType.Rotary && HeadDim % 2 != 0
                ? $"rotary position embeddings need an even head dim; hidden_size / num_attention_heads = {HeadDim}."
                : null)
            ?? (Enum.IsDefined(Normalization) ? null : $"{nameof(Normalization)} (normalization) {Normalization} is unknown.")
            ?? (Labels.Any(string.IsNullOrEmpty) ? $"{nameof(Labels)} (id2label) has an empty class name." : null)
            ?? (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count ? $"{nameof(Labels)} (id2label) repeats a class name." : null)
            ?? Kinds?.FindError();
    }
}
