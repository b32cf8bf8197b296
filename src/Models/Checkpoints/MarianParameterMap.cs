using LlmForge.EncoderDecoder;

namespace LlmForge.Checkpoints;

/// <summary>
/// The explicit table between Hugging Face MarianMT tensor names and <see cref="EncoderDecoderModel"/>'s parameter
/// names, in HF's state_dict order. nn.Linear [out, in] is <see cref="Layers.Linear"/>'s layout, so each row is a plain
/// copy. C = d_model, F = encoder/decoder_ffn_dim, V = vocab_size.
/// <code>
/// model.shared.weight                                   [V, C]  shared.weight (also lm_head and both embed_tokens)
/// model.encoder.layers.{i}.self_attn.q_proj.weight/bias [C, C]  encoder.{i}.self_att.W_query.weight/bias
///   … .k_proj.*, .v_proj.*, .out_proj.*                          … .W_key.*, .W_value.*, .out_proj.*
///   … .self_attn_layer_norm.weight/bias                 [C]     encoder.{i}.norm1.scale/shift
///   … .fc1.weight/bias                                  [F, C]  encoder.{i}.ff.layers.0.weight/bias
///   … .fc2.weight/bias                                  [C, F]  encoder.{i}.ff.layers.2.weight/bias
///   … .final_layer_norm.weight/bias                     [C]     encoder.{i}.norm2.scale/shift
/// model.decoder.layers.{i}.self_attn.*                          decoder.{i}.self_att.*, .self_attn_layer_norm → norm1
///   … .encoder_attn.{q,k,v,out}_proj.*                           decoder.{i}.cross_att.*, .encoder_attn_layer_norm → norm2
///   … .fc1, .fc2, .final_layer_norm                              decoder.{i}.ff.layers.0/2, norm3
/// model.encoder.layer_norm / model.decoder.layer_norm   [C]     encoder_norm / decoder_norm   (pre-LN only)
/// final_logits_bias                                     [1, V]  final_logits_bias [V]
/// </code>
/// The fixed sinusoid tables model.{encoder,decoder}.embed_positions.weight [max_position_embeddings, C] are no
/// parameters: <see cref="MarianCheckpoint"/> writes them, and checks them on load against the model's.
/// </summary>
public static class MarianParameterMap
{
    /// <summary>The HF name of the shared embedding.</summary>
    public const string Shared = "model.shared.weight";

    /// <summary>Copies of <see cref="Shared"/> that checkpoints may hold (Marian ties them); equal to it when present.</summary>
    public static IReadOnlyList<string> TiedCopies { get; } =
        ["model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"];

    /// <summary>The sinusoid tables HF saves (buffers of its MarianSinusoidalPositionalEmbedding).</summary>
    public static IReadOnlyList<string> PositionTables { get; } =
        ["model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"];

    /// <summary>Parameters of a model of <paramref name="config"/>: the rows' elements (the output layer is the shared embedding).</summary>
    public static long ParameterCount(EncoderDecoderConfig config) =>
        For(config).Sum(row => row.Shape.Aggregate(1L, (n, d) => n * d));

    /// <summary>The rows for a model of <paramref name="config"/>.</summary>
    public static IReadOnlyList<TensorMapping> For(EncoderDecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        int c = config.ModelDim;
        var rows = new List<TensorMapping> { new(Shared, [config.VocabSize, c], "shared.weight") };
        void Attention(string hf, string ours)
        {
            foreach (var (h, o) in new[] { ("q_proj", "W_query"), ("k_proj", "W_key"), ("v_proj", "W_value"), ("out_proj", "out_proj") })
            {
                rows.Add(new($"{hf}.{h}.weight", [c, c], $"{ours}.{o}.weight"));
                rows.Add(new($"{hf}.{h}.bias", [c], $"{ours}.{o}.bias"));
            }
        }
        void Norm(string hf, string ours)
        {
            rows.Add(new($"{hf}.weight", [c], $"{ours}.scale"));
            rows.Add(new($"{hf}.bias", [c], $"{ours}.shift"));
        }
        void FeedForward(string hf, string ours, int f)
        {
            rows.Add(new($"{hf}.fc1.weight", [f, c], $"{ours}.ff.layers.0.weight"));
            rows.Add(new($"{hf}.fc1.bias", [f], $"{ours}.ff.layers.0.bias"));
            rows.Add(new($"{hf}.fc2.weight", [c, f], $"{ours}.ff.layers.2.weight"));
            rows.Add(new($"{hf}.fc2.bias", [c], $"{ours}.ff.layers.2.bias"));
        }
        for (int i = 0; i < config.EncoderLayers; i++)
        {
            string hf = $"model.encoder.layers.{i}", ours = $"encoder.{i}";
            Attention($"{hf}.self_attn", $"{ours}.self_att");
            Norm($"{hf}.self_attn_layer_norm", $"{ours}.norm1");
            FeedForward(hf, ours, config.EncoderFfnDim);
            Norm($"{hf}.final_layer_norm", $"{ours}.norm2");
        }
        for (int i = 0; i < config.DecoderLayers; i++)
        {
            string hf = $"model.decoder.layers.{i}", ours = $"decoder.{i}";
            Attention($"{hf}.self_attn", $"{ours}.self_att");
            Norm($"{hf}.self_attn_layer_norm", $"{ours}.norm1");
            Attention($"{hf}.encoder_attn", $"{ours}.cross_att");
            Norm($"{hf}.encoder_attn_layer_norm", $"{ours}.norm2");
            FeedForward(hf, ours, config.DecoderFfnDim);
            Norm($"{hf}.final_layer_norm", $"{ours}.norm3");
        }
        if (config.NormPosition == LayerNormPosition.Pre)
        {
            Norm("model.encoder.layer_norm", "encoder_norm");
            Norm("model.decoder.layer_norm", "decoder_norm");
        }
        rows.Add(new("final_logits_bias", [1, config.VocabSize], "final_logits_bias"));
        return rows;
    }
}

/// <summary>One row of a checkpoint mapping: the HF tensor <see cref="HfName"/> of <see cref="Shape"/> holds the values of the parameter <see cref="Parameter"/>.</summary>
public sealed record TensorMapping(string HfName, int[] Shape, string Parameter)
{
    /// <summary>"final_logits_bias [1, 40] → final_logits_bias".</summary>
    public override string ToString() => $"{HfName} [{string.Join(", ", Shape)}] → {Parameter}";
}
