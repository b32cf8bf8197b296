using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.EncoderDecoder;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Hosting;

/// <summary>
/// A configured variant resolved against the registered kinds: its options, the kinds its names select, and the
/// <see cref="GptConfig"/> or <see cref="BertConfig"/> it describes (what config.json records).
/// </summary>
/// <param name="Key">Its configuration key, "LlmForge:Variants:gpt-rope", for messages.</param>
/// <param name="Name">The variant's name, "gpt-rope".</param>
/// <param name="Options">Its bound options.</param>
/// <param name="Attention">The attention kind its Attention:Kind selects.</param>
/// <param name="PositionalEncoding">The positional-encoding kind its PositionalEncoding:Kind selects.</param>
/// <param name="Normalization">The normalization kind its Normalization:Kind selects.</param>
public sealed record ModelVariant(
    string Name, string Key, ModelVariantOptions Options,
    AttentionKind Attention, PositionalEncodingKind PositionalEncoding, NormalizationKind Normalization)
{
    /// <summary>Architecture is "bert" (case-insensitive): <see cref="ToBertConfig"/> applies.</summary>
    public bool IsBert => string.Equals(Options.Architecture, ModelArchitectures.Bert, StringComparison.OrdinalIgnoreCase);

    /// <summary>Architecture is "gpt" or "llama" (case-insensitive; both a <see cref="GptModel"/>): <see cref="ToGptConfig"/> applies.</summary>
    public bool IsGpt => string.Equals(Options.Architecture, ModelArchitectures.Gpt, StringComparison.OrdinalIgnoreCase) || IsLlama;

    /// <summary>Architecture is "llama": the decoder is saved in Hugging Face's Llama layout.</summary>
    public bool IsLlama => string.Equals(Options.Architecture, ModelArchitectures.Llama, StringComparison.OrdinalIgnoreCase);

    /// <summary>Architecture is "encoder-decoder" (case-insensitive): <see cref="ToEncoderDecoderConfig"/> applies.</summary>
    public bool IsEncoderDecoder => string.Equals(Options.Architecture, ModelArchitectures.EncoderDecoder, StringComparison.OrdinalIgnoreCase);

    /// <summary>The variant's kinds as a <see cref="GptModel"/> takes them.</summary>
    public GptComponents GptComponents => new(Attention, PositionalEncoding, Normalization);

    /// <summary>The variant's kinds as a <see cref="BertModel"/> takes them.</summary>
    public BertComponents BertComponents => new(Attention, PositionalEncoding, Normalization);

    /// <summary>
    /// The variant <paramref name="options"/> describe, with each kind name looked up in <paramref name="kinds"/>: what
    /// <see cref="IModelFactory.GetVariant"/> returns for a configured variant, and how code that holds its settings
    /// itself (a benchmark's workload, a test) describes a model through the same mapping to <see cref="GptConfig"/>.
    /// </summary>
    /// <param name="name">The variant's name, for <see cref="Describe"/>.</param>
    /// <param name="key">Where the settings come from, "LlmForge:Variants:gpt-rope", for messages.</param>
    /// <param name="options">The sizes and kind names.</param>
    /// <param name="kinds">The registered kinds (a container's <see cref="ComponentCatalog"/>) or <see cref="BuiltInComponents.Kinds"/>.</param>
    /// <exception cref="ArgumentException">A kind name <paramref name="kinds"/> does not know, naming its key and the value.</exception>
    public static ModelVariant Resolve(string name, string key, ModelVariantOptions options, IComponentKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kinds);
        return new ModelVariant(name, key, options,
            kinds.FindAttention(options.Attention.Kind) ?? throw Unknown(key, "Attention", options.Attention.Kind),
            kinds.FindPositionalEncoding(options.PositionalEncoding.Kind) ?? throw Unknown(key, "PositionalEncoding", options.PositionalEncoding.Kind),
            kinds.FindNormalization(options.Normalization.Kind) ?? throw Unknown(key, "Normalization", options.Normalization.Kind));

        static ArgumentException Unknown(string key, string part, string? kind) =>
            new($"{key}:{part}:Kind '{kind}' is not a registered kind.", nameof(options));
    }

    /// <summary>
    /// A decoder of this variant on <paramref name="backend"/>: <see cref="ToGptConfig"/> built with the kinds the
    /// variant selected, its weights drawn from <paramref name="seed"/> (the same seed gives the same weights).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a GPT variant, or no vocabulary size anywhere.</exception>
    public GptModel CreateGpt(ITensorBackend backend, int? vocabSize = null, int seed = 0) =>
        new(ToGptConfig(vocabSize), backend, seed, GptComponents);

    /// <summary>An encoder of this variant on <paramref name="backend"/> with <paramref name="heads"/> (default: the masked-LM head).</summary>
    /// <exception cref="InvalidOperationException">Not a BERT variant, or no vocabulary size anywhere.</exception>
    public BertModel CreateBert(ITensorBackend backend, int? vocabSize = null, BertHeads? heads = null, int seed = 0, int padTokenId = 0) =>
        new(ToBertConfig(vocabSize, padTokenId), backend, heads ?? BertHeads.MaskedLanguageModel, seed, BertComponents);

    /// <summary>"gpt-rope: gpt, attention scaled-dot, positions rotary, normalization layernorm".</summary>
    public string Describe() =>
        $"{Name}: {Options.Architecture}, attention {Attention.Name}, positions {PositionalEncoding.Name}, normalization {Normalization.Name}";

    /// <summary>
    /// The decoder's config; <paramref name="vocabSize"/> (the tokenizer's) wins over the variant's VocabSize.
    /// The kinds' names are recorded in <see cref="GptConfig.Kinds"/> (config.json's "llmforge" key) whenever the
    /// Hugging Face keys cannot select them — a user's own kind — so the checkpoint reloads through the same registration.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a GPT variant, or no vocabulary size anywhere.</exception>
    public GptConfig ToGptConfig(int? vocabSize = null)
    {
        if (!IsGpt) throw new InvalidOperationException($"{Key}: Architecture is '{Options.Architecture}', not '{ModelArchitectures.Gpt}'.");
        var o = Options;
        var (activation, feedForward) = VariantActivations.ForGpt(o.Activation) ?? (ActivationFunction.GeluTanh, FeedForwardType.Mlp);
        return GptComponents.Describe(new GptConfig
        {
            VocabSize = VocabSize(vocabSize),
            ContextLength = o.ContextLength,
            EmbeddingDim = o.EmbeddingDim,
            Layers = o.Layers,
            Heads = o.Heads,
            InnerDim = o.InnerDim,
            Activation = activation,
            FeedForward = feedForward,
            LayerNormEpsilon = o.Normalization.Epsilon ?? 1e-5f,
            EmbeddingDropRate = o.Dropout,
            AttentionDropRate = o.Dropout,
            ResidualDropRate = o.Dropout,
            InitializerRange = o.InitializerRange,
            TieWeights = o.TieWeights,
            QkvBias = o.QkvBias,
            AttentionOutputBias = !IsLlama || o.QkvBias,   // Llama's attention_bias covers q, k, v and o alike
            MlpBias = o.MlpBias,
            KvHeads = o.KvHeads,
            ModelType = IsLlama ? LlamaConfigJson.LlamaModelType : null,
            PositionEmbedding = PositionEmbeddingOf(PositionalEncoding),
            RopeTheta = o.PositionalEncoding.Theta,
            SlidingWindow = o.Attention.Window > 0 ? o.Attention.Window : null,
            Normalization = NormalizationOf(Normalization),
            SinkToken = o.SinkToken,
        });
    }

    /// <summary>
    /// The encoder's config (no classifier labels); <paramref name="vocabSize"/> wins over the variant's VocabSize.
    /// Kinds the Hugging Face keys cannot select are recorded by name in <see cref="BertConfig.Kinds"/>, as for GPT.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a BERT variant, or no vocabulary size anywhere.</exception>
    public BertConfig ToBertConfig(int? vocabSize = null, int padTokenId = 0)
    {
        if (!IsBert) throw new InvalidOperationException($"{Key}: Architecture is '{Options.Architecture}', not '{ModelArchitectures.Bert}'.");
        var o = Options;
        return BertComponents.Describe(new BertConfig
        {
            VocabSize = VocabSize(vocabSize),
            HiddenSize = o.EmbeddingDim,
            Layers = o.Layers,
            Heads = o.Heads,
            IntermediateSize = o.InnerDim ?? 4 * o.EmbeddingDim,
            MaxPositions = o.ContextLength,
            TypeVocabSize = o.TypeVocabSize,
            LayerNormEpsilon = o.Normalization.Epsilon ?? 1e-12f,
            Activation = BertActivation(o.Activation) ?? GeluApproximation.Erf,
            HiddenDropRate = o.Dropout,
            AttentionDropRate = o.Dropout,
            InitializerRange = o.InitializerRange,
            PadTokenId = padTokenId,
            NormPosition = string.Equals(o.NormPosition, "pre", StringComparison.OrdinalIgnoreCase) ? LayerNormPosition.Pre : LayerNormPosition.Post,
            PositionEmbedding = PositionEmbeddingOf(PositionalEncoding),
            RopeTheta = o.PositionalEncoding.Theta,
            Normalization = NormalizationOf(Normalization),
        });
    }

    /// <summary>
    /// A translator of this variant on <paramref name="backend"/> (<see cref="ToEncoderDecoderConfig"/>, with the
    /// variant's attention and normalization kinds), its weights drawn from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not an encoder-decoder variant, or no vocabulary size anywhere.</exception>
    public EncoderDecoderModel CreateEncoderDecoder(ITensorBackend backend, int? vocabSize = null, int padTokenId = -1, int eosTokenId = 0, int seed = 0) =>
        new(ToEncoderDecoderConfig(vocabSize, padTokenId, eosTokenId), backend, seed, new EncoderDecoderComponents(Attention, Normalization));

    /// <summary>
    /// The translator's config: Layers encoder and DecoderLayers (default: Layers) decoder blocks of width EmbeddingDim,
    /// Heads in every attention, InnerDim (default 4·EmbeddingDim) feed-forwards, ContextLength positions of fixed
    /// sinusoids. <paramref name="vocabSize"/> (the tokenizer's) wins over the variant's VocabSize; the tokenizer's
    /// <paramref name="padTokenId"/> (−1: the last id, as opus-mt) is also the decoder's start token, as in Marian.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not an encoder-decoder variant, or no vocabulary size anywhere.</exception>
    public EncoderDecoderConfig ToEncoderDecoderConfig(int? vocabSize = null, int padTokenId = -1, int eosTokenId = 0)
    {
        if (!IsEncoderDecoder)
            throw new InvalidOperationException($"{Key}: Architecture is '{Options.Architecture}', not '{ModelArchitectures.EncoderDecoder}'.");
        var o = Options;
        int vocab = VocabSize(vocabSize), pad = padTokenId < 0 ? vocab - 1 : padTokenId, ffn = o.InnerDim ?? 4 * o.EmbeddingDim;
        return new EncoderDecoderConfig
        {
            VocabSize = vocab,
            ModelDim = o.EmbeddingDim,
            EncoderLayers = o.Layers,
            DecoderLayers = o.DecoderLayers ?? o.Layers,
            EncoderHeads = o.Heads,
            DecoderHeads = o.Heads,
            EncoderFfnDim = ffn,
            DecoderFfnDim = ffn,
            Activation = o.Activation is null ? ActivationFunction.Silu
                : ActivationFunctions.ConfigNames.First(n => string.Equals(n.Name, o.Activation, StringComparison.OrdinalIgnoreCase)).Function,
            ScaleEmbedding = o.ScaleEmbedding,
            MaxPositions = o.ContextLength,
            PadTokenId = pad,
            EosTokenId = eosTokenId,
            DecoderStartTokenId = pad,
            NormPosition = string.Equals(o.NormPosition, "pre", StringComparison.OrdinalIgnoreCase) ? LayerNormPosition.Pre : LayerNormPosition.Post,
            LayerNormEpsilon = o.Normalization.Epsilon ?? 1e-5f,
            DropRate = o.Dropout,
            AttentionDropRate = o.Dropout,
            InitStd = o.InitializerRange,
        };
    }

    /// <summary>The GELU a BERT variant's Activation value names; null for null, throws for anything else.</summary>
    private static GeluApproximation? BertActivation(string? name) => name?.ToLowerInvariant() switch
    {
        null => null,
        "gelu_new" => GeluApproximation.Tanh,
        "gelu" => GeluApproximation.Erf,
        _ => throw VariantActivations.Unknown(name, VariantActivations.BertNames),
    };

    private int VocabSize(int? fromTokenizer) =>
        fromTokenizer ?? (Options.VocabSize > 0 ? Options.VocabSize
            : throw new InvalidOperationException($"{Key}:VocabSize is 0 (the tokenizer's) and no tokenizer vocabulary size was given."));

    // By name, not instance: a kind the Hugging Face keys cannot name gets their default here and is recorded by
    // name in GptConfig.Kinds / BertConfig.Kinds instead.
    private static PositionEmbeddingType PositionEmbeddingOf(PositionalEncodingKind kind) =>
        Is(kind.Name, BuiltInComponents.Sinusoidal.Name) ? PositionEmbeddingType.Sinusoidal
        : Is(kind.Name, BuiltInComponents.Rotary.Name) ? PositionEmbeddingType.Rotary
        : PositionEmbeddingType.Absolute;

    private static NormalizationType NormalizationOf(NormalizationKind kind) =>
        Is(kind.Name, BuiltInComponents.RmsNorm.Name) ? NormalizationType.RmsNorm : NormalizationType.LayerNorm;

    private static bool Is(string name, string builtIn) => string.Equals(name, builtIn, StringComparison.OrdinalIgnoreCase);
}
