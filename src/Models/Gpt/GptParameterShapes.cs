using LlmForge.Checkpoints;

namespace LlmForge.Gpt;

/// <summary>
/// The name and shape of every parameter a <see cref="GptModel"/> of a config has, in its
/// NamedParameters() order, computed from the config alone (no weights allocated): what
/// <c>llmforge info</c> prints and how GPT-2 XL's size is known before building it. A test checks it
/// against the built model's parameters for several configs, so the two cannot drift apart.
/// </summary>
public static class GptParameterShapes
{
    /// <summary>(name, shape) of every distinct parameter; a tied out_head.weight is not listed (it is tok_emb.weight).</summary>
    public static IEnumerable<(string Name, int[] Shape)> Of(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return Enumerate(config);
    }

    /// <summary>Total parameters (tied weights counted once).</summary>
    public static long Count(GptConfig config) => Of(config).Sum(p => p.Shape.Aggregate(1L, (n, d) => n * d));

    private static IEnumerable<(string Name, int[] Shape)> Enumerate(GptConfig config)
    {
        int c = config.EmbeddingDim, f = config.FeedForwardDim, v = config.VocabSize;
        int kv = config.KeyValueHeads * config.HeadDim;   // k and v width: C unless grouped-query
        bool layerNorm = config.Normalization == NormalizationType.LayerNorm;
        yield return ("tok_emb.weight", [v, c]);
        if (config.PositionEmbedding == PositionEmbeddingType.Absolute) yield return ("pos_emb.weight", [config.ContextLength, c]);
        for (int i = 0; i < config.Layers; i++)
        {
            string b = $"trf_blocks.{i}.";
            foreach (var p in Norm(b + "norm1", c, layerNorm)) yield return p;
            foreach (var (name, width) in new[] { ("W_query", c), ("W_key", kv), ("W_value", kv) })
            {
                yield return ($"{b}att.{name}.weight", [width, c]);
                if (config.QkvBias) yield return ($"{b}att.{name}.bias", [width]);
            }
            yield return ($"{b}att.out_proj.weight", [c, c]);
            if (config.AttentionOutputBias) yield return ($"{b}att.out_proj.bias", [c]);
            foreach (var p in Norm(b + "norm2", c, layerNorm)) yield return p;
            if (config.FeedForward == FeedForwardType.Gated)
            {
                yield return ($"{b}ff.gate_proj.weight", [f, c]);
                if (config.MlpBias) yield return ($"{b}ff.gate_proj.bias", [f]);
                yield return ($"{b}ff.up_proj.weight", [f, c]);
                if (config.MlpBias) yield return ($"{b}ff.up_proj.bias", [f]);
                yield return ($"{b}ff.down_proj.weight", [c, f]);
                if (config.MlpBias) yield return ($"{b}ff.down_proj.bias", [c]);
            }
            else
            {
                yield return ($"{b}ff.layers.0.weight", [f, c]);
                yield return ($"{b}ff.layers.0.bias", [f]);
                yield return ($"{b}ff.layers.2.weight", [c, f]);
                yield return ($"{b}ff.layers.2.bias", [c]);
            }
        }
        foreach (var p in Norm("final_norm", c, layerNorm)) yield return p;
        if (!config.TieWeights) yield return ("out_head.weight", [v, c]);
        if (config.SinkToken) yield return ("sink_emb.weight", [1, c]);
    }

    private static IEnumerable<(string Name, int[] Shape)> Norm(string prefix, int c, bool layerNorm)
    {
        yield return (prefix + ".scale", [c]);
        if (layerNorm) yield return (prefix + ".shift", [c]);
    }
}
