using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// The shape and hyperparameters of an encoder-decoder transformer ("Attention Is All You Need"; Hugging Face's
/// MarianMT). Defaults are Helsinki-NLP/opus-mt-en-fr's; each property notes its config.json key (read and written by
/// <see cref="MarianConfigJson"/>). Source and target share one vocabulary and one embedding table, which the output
/// layer reuses.
/// </summary>
public sealed record EncoderDecoderConfig
{
    /// <summary>vocab_size (= decoder_vocab_size): rows of the shared embedding, columns of the logits.</summary>
    public int VocabSize { get; init; } = 59514;

    /// <summary>d_model: the width C of both stacks.</summary>
    public int ModelDim { get; init; } = 512;

    /// <summary>encoder_layers.</summary>
    public int EncoderLayers { get; init; } = 6;

    /// <summary>decoder_layers.</summary>
    public int DecoderLayers { get; init; } = 6;

    /// <summary>encoder_attention_heads; must divide <see cref="ModelDim"/>.</summary>
    public int EncoderHeads { get; init; } = 8;

    /// <summary>decoder_attention_heads (self- and cross-attention); must divide <see cref="ModelDim"/>.</summary>
    public int DecoderHeads { get; init; } = 8;

    /// <summary>encoder_ffn_dim: the encoder's feed-forward width.</summary>
    public int EncoderFfnDim { get; init; } = 2048;

    /// <summary>decoder_ffn_dim: the decoder's feed-forward width.</summary>
    public int DecoderFfnDim { get; init; } = 2048;

    /// <summary>activation_function: Marian's "swish" (SiLU), or "relu", "gelu", "gelu_new".</summary>
    public ActivationFunction Activation { get; init; } = ActivationFunction.Silu;

    /// <summary>scale_embedding: whether token embeddings are multiplied by √d_model before the positions are added.</summary>
    public bool ScaleEmbedding { get; init; } = true;

    /// <summary>max_position_embeddings: rows of the sinusoid table, the longest source or target.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>pad_token_id: source padding, the embedding's padding row (opus-mt: the last id).</summary>
    public int PadTokenId { get; init; } = 59513;

    /// <summary>eos_token_id: "&lt;/s&gt;", which ends a source and a translation.</summary>
    public int EosTokenId { get; init; }

    /// <summary>decoder_start_token_id: the first decoder input (Marian: the pad id).</summary>
    public int DecoderStartTokenId { get; init; } = 59513;

    /// <summary>
    /// normalize_before (LlmForge; Marian: false): <see cref="LayerNormPosition.Post"/> norms after each residual add as
    /// the original and Marian, <see cref="LayerNormPosition.Pre"/> before each sublayer with a final norm per stack.
    /// </summary>
    public LayerNormPosition NormPosition { get; init; } = LayerNormPosition.Post;

    /// <summary>layer_norm_eps (torch's nn.LayerNorm default, which Marian uses).</summary>
    public float LayerNormEpsilon { get; init; } = 1e-5f;

    /// <summary>dropout: on the embeddings and before each residual add, while training.</summary>
    public float DropRate { get; init; } = 0.1f;

    /// <summary>attention_dropout: on the attention probabilities, while training.</summary>
    public float AttentionDropRate { get; init; }

    /// <summary>init_std: standard deviation of the normal init of weights and embeddings.</summary>
    public float InitStd { get; init; } = 0.02f;

    /// <summary>C / encoder heads.</summary>
    public int HeadDim => ModelDim / EncoderHeads;

    /// <summary>Throws when <see cref="Problems"/> finds any; the message has one line per bad key.</summary>
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every problem, one line per bad key, as "Property (json_key) …"; empty when the config is valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Positive(string name, string key, long value)
        {
            if (value <= 0) problems.Add($"{name} ({key}) must be positive, got {value}.");
        }
        void Rate(string name, string key, float value)
        {
            if (value is not (>= 0f and < 1f)) problems.Add($"{name} ({key}) must be in [0, 1), got {value}.");
        }
        void Token(string name, string key, int id)
        {
            if (VocabSize > 0 && (uint)id >= (uint)VocabSize) problems.Add($"{name} ({key}) {id} is outside the vocabulary [0, {VocabSize}).");
        }
        void Heads(string name, string key, int heads)
        {
            if (heads <= 0) problems.Add($"{name} ({key}) must be positive, got {heads}.");
            else if (ModelDim > 0 && ModelDim % heads != 0)
                problems.Add($"{name} ({key}) {heads} must divide {nameof(ModelDim)} (d_model) {ModelDim}.");
        }

        Positive(nameof(VocabSize), "vocab_size", VocabSize);
        Positive(nameof(ModelDim), "d_model", ModelDim);
        Positive(nameof(EncoderLayers), "encoder_layers", EncoderLayers);
        Positive(nameof(DecoderLayers), "decoder_layers", DecoderLayers);
        Heads(nameof(EncoderHeads), "encoder_attention_heads", EncoderHeads);
        Heads(nameof(DecoderHeads), "decoder_attention_heads", DecoderHeads);
        Positive(nameof(EncoderFfnDim), "encoder_ffn_dim", EncoderFfnDim);
        Positive(nameof(DecoderFfnDim), "decoder_ffn_dim", DecoderFfnDim);
        Positive(nameof(MaxPositions), "max_position_embeddings", MaxPositions);
        Token(nameof(PadTokenId), "pad_token_id", PadTokenId);
        Token(nameof(EosTokenId), "eos_token_id", EosTokenId);
        Token(nameof(DecoderStartTokenId), "decoder_start_token_id", DecoderStartTokenId);
        if (!(float.IsFinite(LayerNormEpsilon) && LayerNormEpsilon > 0))
            problems.Add($"{nameof(LayerNormEpsilon)} (layer_norm_eps) must be positive, got {LayerNormEpsilon}.");
        Rate(nameof(DropRate), "dropout", DropRate);
        Rate(nameof(AttentionDropRate), "attention_dropout", AttentionDropRate);
        if (!(float.IsFinite(InitStd) && InitStd > 0)) problems.Add($"{nameof(InitStd)} (init_std) must be positive, got {InitStd}.");
        if (!Enum.IsDefined(Activation)) problems.Add($"{nameof(Activation)} (activation_function) is not a known activation: {Activation}.");
        if (!Enum.IsDefined(NormPosition)) problems.Add($"{nameof(NormPosition)} (normalize_before) is not a known position: {NormPosition}.");
        if (ModelDim > 0)
            foreach (var (key, rows) in new[] { ("vocab_size", VocabSize), ("max_position_embeddings", MaxPositions),
                         ("encoder_ffn_dim", EncoderFfnDim), ("decoder_ffn_dim", DecoderFfnDim) })
                if (rows > 0 && TensorSizeLimit.Check(key, rows, "d_model", ModelDim) is { } tooLarge) problems.Add(tooLarge);
        return problems;
    }
}
