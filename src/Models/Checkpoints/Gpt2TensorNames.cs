using System.Text.RegularExpressions;

namespace LlmForge.Checkpoints;

/// <summary>
/// The Hugging Face GPT2LMHeadModel tensor names and shapes: the public contract of a GPT-2
/// checkpoint. C = n_embd, F = MLP width (n_inner or 4·C), V = vocab_size, T = n_positions.
/// </summary>
/// <remarks>
/// <para>HF's Conv1D layers store weights as [in, out] (y = x·W + b), the transpose of a Linear's
/// [out, in]: attn.c_attn.weight is [C, 3C] with q, k and v side by side along the output axis
/// (columns 0..C-1 are q, C..2C-1 k, 2C..3C-1 v), and the same for its bias [3C].</para>
/// <para>On load: old checkpoints also hold the buffers h.{i}.attn.bias (the causal mask) and
/// h.{i}.attn.masked_bias, which are not parameters and must be ignored (<see cref="IsIgnoredBuffer"/>).
/// Checkpoints saved from GPT2Model (the official "gpt2" one) lack the "transformer." prefix
/// (<see cref="Canonicalize"/>). A tied checkpoint usually has no lm_head.weight; if one is present it equals wte.</para>
/// </remarks>
public static partial class Gpt2TensorNames
{
    /// <summary>wte [V, C].</summary>
    public const string TokenEmbedding = "transformer.wte.weight";

    /// <summary>wpe [T, C] (position_embedding_type "absolute" only).</summary>
    public const string PositionEmbedding = "transformer.wpe.weight";

    /// <summary>ln_f gain [C].</summary>
    public const string FinalNormWeight = "transformer.ln_f.weight";

    /// <summary>ln_f bias [C].</summary>
    public const string FinalNormBias = "transformer.ln_f.bias";

    /// <summary>lm_head [V, C] (a Linear, so [out, in]); only when embeddings are not tied.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>The learned sink token [1, C] (LlmForge, sink_token true only): the vector read at position 0.</summary>
    public const string SinkEmbedding = "transformer.sink_emb.weight";

    /// <summary>The names of block <paramref name="layer"/>'s tensors.</summary>
    public static Gpt2BlockTensorNames Block(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return new Gpt2BlockTensorNames(layer);
    }

    /// <summary>
    /// Every tensor a GPT-2 checkpoint of <paramref name="config"/> holds, in HF's state_dict order,
    /// with its shape. LlmForge's variants keep the layout and drop what they do not have: no wpe unless
    /// position_embedding_type is "absolute" (sinusoids and rotary learn nothing), no ln_*.bias with RMSNorm, and
    /// mlp.{gate,up,down}_proj.weight in place of c_fc and c_proj with a gated feed-forward; sink_emb.weight last with a sink token.
    /// </summary>
    public static IEnumerable<(string Name, int[] Shape)> Expected(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return Enumerate(config);
    }

    private static IEnumerable<(string Name, int[] Shape)> Enumerate(GptConfig config)
    {
        int c = config.EmbeddingDim, f = config.FeedForwardDim;
        bool normBias = config.Normalization == NormalizationType.LayerNorm;
        yield return (TokenEmbedding, [config.VocabSize, c]);
        if (config.PositionEmbedding == PositionEmbeddingType.Absolute)
        {
            yield return (PositionEmbedding, [config.ContextLength, c]);
        }
        for (int i = 0; i < config.Layers; i++)
        {
            Gpt2BlockTensorNames b = Block(i);
            yield return (b.Norm1Weight, [c]);
            if (normBias)
            {
                yield return (b.Norm1Bias, [c]);
            }
            yield return (b.AttentionQkvWeight, [c, 3 * c]);
            if (config.QkvBias)
            {
                yield return (b.AttentionQkvBias, [3 * c]);
            }
            yield return (b.AttentionProjectionWeight, [c, c]);
            yield return (b.AttentionProjectionBias, [c]);
            yield return (b.Norm2Weight, [c]);
            if (normBias)
            {
                yield return (b.Norm2Bias, [c]);
            }
            if (config.FeedForward == FeedForwardType.Gated)
            {
                // nn.Linear layout [out, in], as Llama's mlp (no Conv1D to transpose), no biases.
                yield return (b.MlpGateWeight, [f, c]);
                yield return (b.MlpUpWeight, [f, c]);
                yield return (b.MlpDownWeight, [c, f]);
            }
            else
            {
                yield return (b.MlpFcWeight, [c, f]);
                yield return (b.MlpFcBias, [f]);
                yield return (b.MlpProjectionWeight, [f, c]);
                yield return (b.MlpProjectionBias, [c]);
            }
        }
        yield return (FinalNormWeight, [c]);
        if (normBias)
        {
            yield return (FinalNormBias, [c]);
        }
        if (!config.TieWeights)
        {
            yield return (LmHead, [config.VocabSize, c]);
        }
        if (config.SinkToken)
        {
            yield return (SinkEmbedding, [1, c]);
        }
    }

    /// <summary>Total parameters of the model <paramref name="config"/> describes (tied weights counted once).</summary>
    /// <remarks>Counted over the config's tensor map, so a Llama layout's (<see cref="LlamaTensorNames.Map"/>) is counted too.</remarks>
    public static long ParameterCount(GptConfig config) =>
        Gpt2ParameterMap.For(config).Sum(t => t.HfShape.Aggregate(1L, (n, d) => n * d));

    /// <summary>
    /// True for the non-parameter buffers h.{i}.attn.bias and h.{i}.attn.masked_bias of old HF checkpoints (and
    /// Llama's rotary_emb.inv_freq, <see cref="LlamaTensorNames.IsIgnoredBuffer"/>).
    /// </summary>
    public static bool IsIgnoredBuffer(string name) => IgnoredBuffer().IsMatch(name) || LlamaTensorNames.IsIgnoredBuffer(name);

    /// <summary>
    /// Adds the "transformer." prefix that GPT2Model checkpoints omit ("h.0.ln_1.weight" →
    /// "transformer.h.0.ln_1.weight"); other names come back unchanged.
    /// </summary>
    public static string Canonicalize(string name) => BareTransformerName().IsMatch(name) ? "transformer." + name : name;

    [GeneratedRegex(@"^(transformer\.)?h\.\d+\.attn\.(masked_)?bias$")]
    private static partial Regex IgnoredBuffer();

    [GeneratedRegex(@"^(wte|wpe|ln_f|h\.\d+)\.")]
    private static partial Regex BareTransformerName();
}

/// <summary>The tensor names of GPT-2 block <see cref="Layer"/> ("transformer.h.{i}.…"); shapes as in <see cref="Gpt2TensorNames"/>.</summary>
public readonly record struct Gpt2BlockTensorNames(int Layer)
{
    private string Prefix => $"transformer.h.{Layer}.";

    /// <summary>ln_1.weight [C]: the norm before attention.</summary>
    public string Norm1Weight => Prefix + "ln_1.weight";

    /// <summary>ln_1.bias [C].</summary>
    public string Norm1Bias => Prefix + "ln_1.bias";

    /// <summary>attn.c_attn.weight [C, 3C], Conv1D [in, out]: q | k | v along the output axis.</summary>
    public string AttentionQkvWeight => Prefix + "attn.c_attn.weight";

    /// <summary>attn.c_attn.bias [3C]: q | k | v (absent when qkv_bias is false).</summary>
    public string AttentionQkvBias => Prefix + "attn.c_attn.bias";

    /// <summary>attn.c_proj.weight [C, C], Conv1D [in, out].</summary>
    public string AttentionProjectionWeight => Prefix + "attn.c_proj.weight";

    /// <summary>attn.c_proj.bias [C].</summary>
    public string AttentionProjectionBias => Prefix + "attn.c_proj.bias";

    /// <summary>ln_2.weight [C]: the norm before the MLP.</summary>
    public string Norm2Weight => Prefix + "ln_2.weight";

    /// <summary>ln_2.bias [C].</summary>
    public string Norm2Bias => Prefix + "ln_2.bias";

    /// <summary>mlp.c_fc.weight [C, F], Conv1D [in, out].</summary>
    public string MlpFcWeight => Prefix + "mlp.c_fc.weight";

    /// <summary>mlp.c_fc.bias [F].</summary>
    public string MlpFcBias => Prefix + "mlp.c_fc.bias";

    /// <summary>mlp.c_proj.weight [F, C], Conv1D [in, out].</summary>
    public string MlpProjectionWeight => Prefix + "mlp.c_proj.weight";

    /// <summary>mlp.c_proj.bias [C].</summary>
    public string MlpProjectionBias => Prefix + "mlp.c_proj.bias";

    /// <summary>mlp.gate_proj.weight [F, C] of a gated feed-forward (feed_forward "gated"), a Linear's [out, in] as in Llama.</summary>
    public string MlpGateWeight => Prefix + "mlp.gate_proj.weight";

    /// <summary>mlp.up_proj.weight [F, C] of a gated feed-forward, [out, in].</summary>
    public string MlpUpWeight => Prefix + "mlp.up_proj.weight";

    /// <summary>mlp.down_proj.weight [C, F] of a gated feed-forward, [out, in].</summary>
    public string MlpDownWeight => Prefix + "mlp.down_proj.weight";
}
