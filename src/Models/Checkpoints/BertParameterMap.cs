namespace LlmForge.Checkpoints;

/// <summary>One row of the BERT mapping: the HF tensor <see cref="HfName"/> of <see cref="Shape"/> is the LlmForge parameter <see cref="Parameter"/>, same layout.</summary>
public sealed record BertTensorMapping(string HfName, int[] Shape, string Parameter)
{
    /// <summary>
    /// "bert.pooler.dense.weight [128, 128] → pooler.dense.weight": the row as the mapping listing prints it.
    /// </summary>
    public override string ToString() => $"{HfName} [{string.Join(", ", Shape)}] → {Parameter}";
}

/// <summary>
/// The explicit table between Hugging Face BERT tensor names (<see cref="BertTensorNames"/>) and
/// <see cref="Bert.BertModel"/>'s parameter names, in HF's state_dict order. Every layout is the same (nn.Linear
/// [out, in] is <see cref="Layers.Linear"/>'s), so a row is a plain copy. C = hidden_size, F = intermediate_size,
/// V = vocab_size, P = max_position_embeddings, S = type_vocab_size, L = number of labels.
/// <code>
/// bert.embeddings.word_embeddings.weight        [V, C]  embeddings.tok_emb.weight
/// bert.embeddings.position_embeddings.weight    [P, C]  embeddings.pos_emb.weight  (learned positions only)
/// bert.embeddings.token_type_embeddings.weight  [S, C]  embeddings.type_emb.weight
/// bert.embeddings.LayerNorm.weight / bias       [C]     embeddings.norm.scale / shift (RMSNorm: no bias)
/// bert.encoder.layer.{i}.attention.self.query.weight / bias  [C, C] / [C]  blocks.{i}.att.W_query.weight / bias
///   … .attention.self.key.*, .value.*                                        blocks.{i}.att.W_key.*, W_value.*
///   … .attention.output.dense.weight / bias     [C, C]  blocks.{i}.att.out_proj.weight / bias
///   … .attention.output.LayerNorm.weight / bias [C]     blocks.{i}.norm1.scale / shift
///   … .intermediate.dense.weight / bias         [F, C]  blocks.{i}.ff.layers.0.weight / bias
///   … .output.dense.weight / bias               [C, F]  blocks.{i}.ff.layers.2.weight / bias
///   … .output.LayerNorm.weight / bias           [C]     blocks.{i}.norm2.scale / shift
/// bert.encoder.LayerNorm.weight / bias          [C]     final_norm.scale / shift        (pre-LN only, LlmForge)
/// bert.pooler.dense.weight / bias               [C, C]  pooler.dense.weight / bias      (with a pooler)
/// cls.predictions.transform.dense.weight / bias [C, C]  mlm_head.transform.weight / bias (with the MLM head)
/// cls.predictions.transform.LayerNorm.*         [C]     mlm_head.norm.scale / shift
/// cls.predictions.bias                          [V]     mlm_head.bias   (decoder.weight is tied to the word embeddings)
/// classifier.weight / bias                      [L, C]  classifier.weight / bias        (with a classifier)
/// </code>
/// </summary>
public static class BertParameterMap
{
    /// <summary>The rows for a model of <paramref name="config"/> with <paramref name="heads"/>.</summary>
    public static IReadOnlyList<BertTensorMapping> For(BertConfig config, BertHeads heads)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        int c = config.HiddenSize, f = config.IntermediateSize;
        var rows = new List<BertTensorMapping>();
        void Add(string hf, string parameter, params int[] shape)
        {
            // Position tables other than the learned one have no parameters; RMSNorm has no shift.
            if (hf == BertTensorNames.PositionEmbeddings && config.PositionEmbedding != PositionEmbeddingType.Absolute) return;
            if (parameter.EndsWith(".shift", StringComparison.Ordinal) && config.Normalization != NormalizationType.LayerNorm) return;
            rows.Add(new(hf, shape, parameter));
        }

        Add(BertTensorNames.WordEmbeddings, "embeddings.tok_emb.weight", config.VocabSize, c);
        Add(BertTensorNames.PositionEmbeddings, "embeddings.pos_emb.weight", config.MaxPositions, c);
        Add(BertTensorNames.TokenTypeEmbeddings, "embeddings.type_emb.weight", config.TypeVocabSize, c);
        Add(BertTensorNames.EmbeddingsNormWeight, "embeddings.norm.scale", c);
        Add(BertTensorNames.EmbeddingsNormBias, "embeddings.norm.shift", c);
        for (int i = 0; i < config.Layers; i++)
        {
            var hf = BertTensorNames.Layer(i);
            string b = $"blocks.{i}.";
            Add(hf.QueryWeight, b + "att.W_query.weight", c, c);
            Add(hf.QueryBias, b + "att.W_query.bias", c);
            Add(hf.KeyWeight, b + "att.W_key.weight", c, c);
            Add(hf.KeyBias, b + "att.W_key.bias", c);
            Add(hf.ValueWeight, b + "att.W_value.weight", c, c);
            Add(hf.ValueBias, b + "att.W_value.bias", c);
            Add(hf.AttentionOutputWeight, b + "att.out_proj.weight", c, c);
            Add(hf.AttentionOutputBias, b + "att.out_proj.bias", c);
            Add(hf.AttentionNormWeight, b + "norm1.scale", c);
            Add(hf.AttentionNormBias, b + "norm1.shift", c);
            Add(hf.IntermediateWeight, b + "ff.layers.0.weight", f, c);
            Add(hf.IntermediateBias, b + "ff.layers.0.bias", f);
            Add(hf.OutputWeight, b + "ff.layers.2.weight", c, f);
            Add(hf.OutputBias, b + "ff.layers.2.bias", c);
            Add(hf.OutputNormWeight, b + "norm2.scale", c);
            Add(hf.OutputNormBias, b + "norm2.shift", c);
        }
        if (config.NormPosition == LayerNormPosition.Pre)
        {
            Add(BertTensorNames.FinalNormWeight, "final_norm.scale", c);
            Add(BertTensorNames.FinalNormBias, "final_norm.shift", c);
        }
        if (heads.Pooler || heads.Classifier)
        {
            Add(BertTensorNames.PoolerWeight, "pooler.dense.weight", c, c);
            Add(BertTensorNames.PoolerBias, "pooler.dense.bias", c);
        }
        if (heads.MaskedLM)
        {
            Add(BertTensorNames.MlmTransformWeight, "mlm_head.transform.weight", c, c);
            Add(BertTensorNames.MlmTransformBias, "mlm_head.transform.bias", c);
            Add(BertTensorNames.MlmNormWeight, "mlm_head.norm.scale", c);
            Add(BertTensorNames.MlmNormBias, "mlm_head.norm.shift", c);
            Add(BertTensorNames.MlmBias, "mlm_head.bias", config.VocabSize);
        }
        if (heads.Classifier)
        {
            if (config.Labels.Count == 0)
                throw new ArgumentException("BertParameterMap: a classifier needs class labels (BertConfig.Labels, config.json id2label).", nameof(config));
            Add(BertTensorNames.ClassifierWeight, "classifier.weight", config.Labels.Count, c);
            Add(BertTensorNames.ClassifierBias, "classifier.bias", config.Labels.Count);
        }
        return rows;
    }

    /// <summary>Total parameters of such a model (the tied decoder counted once, as part of the word embeddings).</summary>
    public static long ParameterCount(BertConfig config, BertHeads heads) =>
        For(config, heads).Sum(r => r.Shape.Aggregate(1L, (n, d) => n * d));
}
