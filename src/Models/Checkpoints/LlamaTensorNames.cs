namespace LlmForge.Checkpoints;

/// <summary>
/// Hugging Face LlamaForCausalLM's tensor names and shapes (also Qwen2's and Mistral's), each mapped to the
/// <see cref="Gpt.GptModel"/> parameter it holds: nn.Linear weights are [out, in] as LlmForge's, so every row is a
/// plain copy. C = hidden_size, F = intermediate_size, V = vocab_size, KV = num_key_value_heads · head_dim.
/// <code>
/// model.embed_tokens.weight                      [V, C]   tok_emb.weight
/// model.layers.{i}.self_attn.q_proj.weight/bias  [C, C]   trf_blocks.{i}.att.W_query.weight / .bias (bias: attention_bias, qwen2)
/// model.layers.{i}.self_attn.k_proj.weight/bias  [KV, C]  att.W_key
/// model.layers.{i}.self_attn.v_proj.weight/bias  [KV, C]  att.W_value
/// model.layers.{i}.self_attn.o_proj.weight/bias  [C, C]   att.out_proj (bias: attention_bias, not qwen2)
/// model.layers.{i}.mlp.gate_proj / up_proj       [F, C]   ff.gate_proj / ff.up_proj (bias: mlp_bias)
/// model.layers.{i}.mlp.down_proj                 [C, F]   ff.down_proj
/// model.layers.{i}.input_layernorm.weight        [C]      norm1.scale
/// model.layers.{i}.post_attention_layernorm.weight [C]    norm2.scale
/// model.norm.weight                              [C]      final_norm.scale
/// lm_head.weight                                 [V, C]   out_head.weight (untied only)
/// </code>
/// </summary>
public static class LlamaTensorNames
{
    /// <summary>embed_tokens [V, C].</summary>
    public const string TokenEmbedding = "model.embed_tokens.weight";

    /// <summary>The final RMSNorm's weight [C].</summary>
    public const string FinalNormWeight = "model.norm.weight";

    /// <summary>lm_head [V, C]; only when embeddings are not tied.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>The prefix of every block tensor, "model.layers." (then the block index).</summary>
    public const string LayerPrefix = "model.layers.";

    /// <summary>The rows of a Llama-layout <paramref name="config"/>, in Hugging Face's state_dict order.</summary>
    /// <exception cref="ArgumentException">An invalid config, or one in the GPT-2 layout.</exception>
    public static IReadOnlyList<Gpt2TensorMapping> Map(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!config.IsLlamaLayout) throw new ArgumentException("LlamaTensorNames: the config is in the GPT-2 layout (ModelType null).", nameof(config));
        int c = config.EmbeddingDim, f = config.FeedForwardDim, kv = config.KeyValueHeads * config.HeadDim;
        var rows = new List<Gpt2TensorMapping>();
        void Add(string hfName, int[] shape, string parameter) => rows.Add(new(hfName, shape, Gpt2Layout.Same, [parameter]));
        void Linear(string hfName, int outDim, int inDim, bool bias, string parameter)
        {
            Add(hfName + ".weight", [outDim, inDim], parameter + ".weight");
            if (bias) Add(hfName + ".bias", [outDim], parameter + ".bias");
        }

        Add(TokenEmbedding, [config.VocabSize, c], "tok_emb.weight");
        for (int i = 0; i < config.Layers; i++)
        {
            string hf = $"{LayerPrefix}{i}.", b = $"trf_blocks.{i}.";
            Linear(hf + "self_attn.q_proj", c, c, config.QkvBias, b + "att.W_query");
            Linear(hf + "self_attn.k_proj", kv, c, config.QkvBias, b + "att.W_key");
            Linear(hf + "self_attn.v_proj", kv, c, config.QkvBias, b + "att.W_value");
            Linear(hf + "self_attn.o_proj", c, c, config.AttentionOutputBias, b + "att.out_proj");
            Linear(hf + "mlp.gate_proj", f, c, config.MlpBias, b + "ff.gate_proj");
            Linear(hf + "mlp.up_proj", f, c, config.MlpBias, b + "ff.up_proj");
            Linear(hf + "mlp.down_proj", c, f, config.MlpBias, b + "ff.down_proj");
            Add(hf + "input_layernorm.weight", [c], b + "norm1.scale");
            Add(hf + "post_attention_layernorm.weight", [c], b + "norm2.scale");
        }
        Add(FinalNormWeight, [c], "final_norm.scale");
        if (!config.TieWeights) Add(LmHead, [config.VocabSize, c], "out_head.weight");
        return rows;
    }

    /// <summary>True for the rotary buffers (self_attn.rotary_emb.inv_freq) older Llama checkpoints carry: not parameters.</summary>
    public static bool IsIgnoredBuffer(string name) =>
        name.StartsWith(LayerPrefix, StringComparison.Ordinal) && name.EndsWith(".self_attn.rotary_emb.inv_freq", StringComparison.Ordinal);
}
