using LlmForge.Gpt;

namespace LlmForge.Checkpoints;

/// <summary>How a Hugging Face GPT-2 tensor is laid out relative to LlmForge's parameter.</summary>
public enum Gpt2Layout
{
    /// <summary>The same layout (embeddings, LayerNorm, biases, lm_head).</summary>
    Same,

    /// <summary>HF's Conv1D weight [in, out] (y = x·W), the transpose of a <see cref="Layers.Linear"/>'s [out, in].</summary>
    Conv1D,
}

/// <summary>
/// One row of the GPT-2 mapping: the HF tensor <see cref="HfName"/> of <see cref="HfShape"/> holds the
/// LlmForge <see cref="Parameters"/> side by side along its last (output) axis, each in <see cref="Layout"/>.
/// One parameter is a plain copy or transpose; c_attn holds three, q | k | v, in equal parts.
/// </summary>
public sealed record Gpt2TensorMapping(string HfName, int[] HfShape, Gpt2Layout Layout, IReadOnlyList<string> Parameters)
{
    /// <summary>The shape of each of <see cref="Parameters"/> in LlmForge's layout.</summary>
    public int[] ParameterShape
    {
        get
        {
            int part = HfShape[^1] / Parameters.Count;
            return Layout == Gpt2Layout.Conv1D ? [part, HfShape[0]] : [.. HfShape[..^1], part];
        }
    }

    /// <summary>
    /// "transformer.h.0.attn.c_attn.weight [128, 384] Conv1D → blocks.0.att.W_query.weight | …": the row as the
    /// mapping listing prints it.
    /// </summary>
    public override string ToString() =>
        $"{HfName} [{string.Join(", ", HfShape)}] {Layout} → {string.Join(" | ", Parameters)}";
}

/// <summary>
/// The explicit table between Hugging Face GPT2LMHeadModel tensor names (<see cref="Gpt2TensorNames"/>) and
/// <see cref="GptModel"/>'s parameter names — the public contract nanoGPT's from_pretrained keeps as a list of
/// Conv1D weights to transpose. Rows come in HF's state_dict order.
/// <code>
/// transformer.wte.weight            [V, C]   Same    tok_emb.weight
/// transformer.wpe.weight            [T, C]   Same    pos_emb.weight (learned positions only)
/// transformer.h.{i}.ln_1.weight/bias          Same    trf_blocks.{i}.norm1.scale / shift
/// transformer.h.{i}.attn.c_attn.weight [C, 3C] Conv1D att.W_query.weight | att.W_key.weight | att.W_value.weight
/// transformer.h.{i}.attn.c_attn.bias   [3C]    Same   att.W_query.bias | att.W_key.bias | att.W_value.bias
/// transformer.h.{i}.attn.c_proj.weight [C, C]  Conv1D att.out_proj.weight (bias: Same)
/// transformer.h.{i}.ln_2.weight/bias          Same    trf_blocks.{i}.norm2.scale / shift
/// transformer.h.{i}.mlp.c_fc.weight    [C, F]  Conv1D ff.layers.0.weight (bias: Same)
/// transformer.h.{i}.mlp.c_proj.weight  [F, C]  Conv1D ff.layers.2.weight (bias: Same)
/// transformer.h.{i}.mlp.gate_proj / up_proj.weight [F, C], down_proj.weight [C, F]  Same  ff.gate_proj / up_proj / down_proj.weight (gated only, instead of c_fc and c_proj)
/// transformer.ln_f.weight/bias                Same    final_norm.scale / shift
/// lm_head.weight                    [V, C]   Same    out_head.weight (untied only)
/// transformer.sink_emb.weight       [1, C]   Same    sink_emb.weight (sink_token only)
/// </code>
/// </summary>
public static class Gpt2ParameterMap
{
    /// <summary>
    /// The rows for <paramref name="config"/> (no wpe row without learned positions, no norm biases with RMSNorm,
    /// gate/up/down for a gated feed-forward); a Llama layout's are <see cref="LlamaTensorNames.Map"/>'s.
    /// </summary>
    public static IReadOnlyList<Gpt2TensorMapping> For(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsLlamaLayout) return LlamaTensorNames.Map(config);
        var shapes = Gpt2TensorNames.Expected(config).ToDictionary(t => t.Name, t => t.Shape); // validates the config
        var rows = new List<Gpt2TensorMapping>();
        void Add(string hfName, Gpt2Layout layout, params string[] parameters)
        {
            if (shapes.TryGetValue(hfName, out var shape)) rows.Add(new(hfName, shape, layout, parameters));
        }

        Add(Gpt2TensorNames.TokenEmbedding, Gpt2Layout.Same, "tok_emb.weight");
        Add(Gpt2TensorNames.PositionEmbedding, Gpt2Layout.Same, "pos_emb.weight");
        for (int i = 0; i < config.Layers; i++)
        {
            var hf = Gpt2TensorNames.Block(i);
            string b = $"trf_blocks.{i}.";
            Add(hf.Norm1Weight, Gpt2Layout.Same, b + "norm1.scale");
            Add(hf.Norm1Bias, Gpt2Layout.Same, b + "norm1.shift");
            Add(hf.AttentionQkvWeight, Gpt2Layout.Conv1D, b + "att.W_query.weight", b + "att.W_key.weight", b + "att.W_value.weight");
            Add(hf.AttentionQkvBias, Gpt2Layout.Same, b + "att.W_query.bias", b + "att.W_key.bias", b + "att.W_value.bias");
            Add(hf.AttentionProjectionWeight, Gpt2Layout.Conv1D, b + "att.out_proj.weight");
            Add(hf.AttentionProjectionBias, Gpt2Layout.Same, b + "att.out_proj.bias");
            Add(hf.Norm2Weight, Gpt2Layout.Same, b + "norm2.scale");
            Add(hf.Norm2Bias, Gpt2Layout.Same, b + "norm2.shift");
            Add(hf.MlpFcWeight, Gpt2Layout.Conv1D, b + "ff.layers.0.weight");
            Add(hf.MlpFcBias, Gpt2Layout.Same, b + "ff.layers.0.bias");
            Add(hf.MlpProjectionWeight, Gpt2Layout.Conv1D, b + "ff.layers.2.weight");
            Add(hf.MlpProjectionBias, Gpt2Layout.Same, b + "ff.layers.2.bias");
            Add(hf.MlpGateWeight, Gpt2Layout.Same, b + "ff.gate_proj.weight");
            Add(hf.MlpUpWeight, Gpt2Layout.Same, b + "ff.up_proj.weight");
            Add(hf.MlpDownWeight, Gpt2Layout.Same, b + "ff.down_proj.weight");
        }
        Add(Gpt2TensorNames.FinalNormWeight, Gpt2Layout.Same, "final_norm.scale");
        Add(Gpt2TensorNames.FinalNormBias, Gpt2Layout.Same, "final_norm.shift");
        Add(Gpt2TensorNames.LmHead, Gpt2Layout.Same, "out_head.weight");
        Add(Gpt2TensorNames.SinkEmbedding, Gpt2Layout.Same, "sink_emb.weight");

        if (rows.Count != shapes.Count) // every HF tensor must have a row; a new one in Gpt2TensorNames needs one here
        {
            var unmapped = shapes.Keys.Except(rows.Select(r => r.HfName));
            throw new InvalidOperationException($"Gpt2ParameterMap: no mapping for {string.Join(", ", unmapped)}.");
        }
        return rows;
    }

    /// <summary>Copies part <paramref name="part"/> of HF tensor data into a parameter's buffer (LlmForge layout).</summary>
    public static void ToParameter(Gpt2TensorMapping row, int part, ReadOnlySpan<float> hf, Span<float> parameter)
    {
        var (rows, total, width) = Check(row, part, hf.Length, parameter.Length);
        int offset = part * width;
        for (int r = 0; r < rows; r++)
        {
            var source = hf.Slice(r * total + offset, width);
            if (row.Layout == Gpt2Layout.Same)
                source.CopyTo(parameter.Slice(r * width, width)); // [rows, width] row r
            else
                for (int o = 0; o < width; o++) parameter[o * rows + r] = source[o]; // [width(out), rows(in)]ᵀ
        }
    }

    /// <summary>Copies a parameter's buffer into part <paramref name="part"/> of the HF tensor data (the inverse).</summary>
    public static void FromParameter(Gpt2TensorMapping row, int part, ReadOnlySpan<float> parameter, Span<float> hf)
    {
        var (rows, total, width) = Check(row, part, hf.Length, parameter.Length);
        int offset = part * width;
        for (int r = 0; r < rows; r++)
        {
            var destination = hf.Slice(r * total + offset, width);
            if (row.Layout == Gpt2Layout.Same)
                parameter.Slice(r * width, width).CopyTo(destination);
            else
                for (int o = 0; o < width; o++) destination[o] = parameter[o * rows + r];
        }
    }

    // The HF tensor is read as [rows, total] (rows = product of all but the last dim), part p as its columns
    // [p·width, (p+1)·width).
    private static (int Rows, int Total, int Width) Check(Gpt2TensorMapping row, int part, int hfLength, int parameterLength)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, row.Parameters.Count);
        int total = row.HfShape[^1];
        int rows = (int)(row.HfShape.Aggregate(1L, (n, d) => n * d) / total);
        int width = total / row.Parameters.Count;
        if (hfLength != (long)rows * total)
            throw new ArgumentException($"{row.HfName}: {hfLength} values for shape [{string.Join(", ", row.HfShape)}].", nameof(hfLength));
        if (parameterLength != (long)rows * width)
            throw new ArgumentException($"{row.Parameters[part]}: {parameterLength} values, expected {(long)rows * width}.",
                nameof(parameterLength));
        return (rows, total, width);
    }
}
