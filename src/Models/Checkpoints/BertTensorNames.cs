using System.Text.RegularExpressions;

namespace LlmForge.Checkpoints;

/// <summary>
/// The Hugging Face BERT tensor names: the public contract of a BERT checkpoint. Every Linear weight is
/// nn.Linear's [out, in] (the layout LlmForge's <see cref="Layers.Linear"/> uses too, so nothing is transposed).
/// </summary>
/// <remarks>
/// <para>On load, <see cref="Canonicalize"/> accepts what older or other checkpoints spell differently: the
/// TensorFlow-era LayerNorm.gamma / LayerNorm.beta for .weight / .bias, and BertModel's names without the
/// "bert." prefix. <see cref="IsIgnored"/> tensors are skipped: the position_ids buffer and the next-sentence
/// head cls.seq_relationship of BertForPreTraining. The MLM decoder is tied: cls.predictions.decoder.weight is
/// the word embedding and cls.predictions.decoder.bias is cls.predictions.bias; safetensors files written by
/// transformers usually leave both out, and when present they must equal what they are tied to.</para>
/// <para>bert.encoder.LayerNorm.* is LlmForge's own: the final norm of a pre-LN encoder, which HF BERT lacks.</para>
/// </remarks>
public static partial class BertTensorNames
{
    /// <summary>word_embeddings [vocab_size, C]; also the tied MLM decoder.</summary>
    public const string WordEmbeddings = "bert.embeddings.word_embeddings.weight";
    /// <summary>position_embeddings [max_position_embeddings, C] (learned positions only).</summary>
    public const string PositionEmbeddings = "bert.embeddings.position_embeddings.weight";
    /// <summary>token_type_embeddings [type_vocab_size, C]: one row per segment.</summary>
    public const string TokenTypeEmbeddings = "bert.embeddings.token_type_embeddings.weight";
    /// <summary>The embeddings' LayerNorm scale [C].</summary>
    public const string EmbeddingsNormWeight = "bert.embeddings.LayerNorm.weight";
    /// <summary>The embeddings' LayerNorm shift [C].</summary>
    public const string EmbeddingsNormBias = "bert.embeddings.LayerNorm.bias";

    /// <summary>Pre-LN only (LlmForge): the LayerNorm after the last block.</summary>
    public const string FinalNormWeight = "bert.encoder.LayerNorm.weight";
    /// <summary>Pre-LN only (LlmForge): the shift [C] of the LayerNorm after the last block.</summary>
    public const string FinalNormBias = "bert.encoder.LayerNorm.bias";

    /// <summary>The pooler's dense weight [C, C] ([out, in]), applied to the [CLS] state.</summary>
    public const string PoolerWeight = "bert.pooler.dense.weight";
    /// <summary>The pooler's dense bias [C].</summary>
    public const string PoolerBias = "bert.pooler.dense.bias";

    /// <summary>The MLM head's transform weight [C, C], before its GELU and LayerNorm.</summary>
    public const string MlmTransformWeight = "cls.predictions.transform.dense.weight";
    /// <summary>The MLM head's transform bias [C].</summary>
    public const string MlmTransformBias = "cls.predictions.transform.dense.bias";
    /// <summary>The MLM head's LayerNorm scale [C].</summary>
    public const string MlmNormWeight = "cls.predictions.transform.LayerNorm.weight";
    /// <summary>The MLM head's LayerNorm shift [C].</summary>
    public const string MlmNormBias = "cls.predictions.transform.LayerNorm.bias";
    /// <summary>The MLM decoder's output bias [vocab_size], added to the logits.</summary>
    public const string MlmBias = "cls.predictions.bias";

    /// <summary>Tied to <see cref="WordEmbeddings"/>.</summary>
    public const string MlmDecoderWeight = "cls.predictions.decoder.weight";

    /// <summary>Tied to <see cref="MlmBias"/>.</summary>
    public const string MlmDecoderBias = "cls.predictions.decoder.bias";

    /// <summary>The sequence classifier's weight [labels, C] (BertForSequenceClassification).</summary>
    public const string ClassifierWeight = "classifier.weight";
    /// <summary>The sequence classifier's bias [labels].</summary>
    public const string ClassifierBias = "classifier.bias";

    /// <summary>The names of encoder layer <paramref name="layer"/>'s tensors.</summary>
    public static BertLayerTensorNames Layer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return new BertLayerTensorNames(layer);
    }

    /// <summary>
    /// The spelling this class uses for a stored name: LayerNorm.gamma/beta → LayerNorm.weight/bias, and the
    /// "bert." prefix for BertModel names ("embeddings.…", "encoder.…", "pooler.…").
    /// </summary>
    public static string Canonicalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith("LayerNorm.gamma", StringComparison.Ordinal)) name = name[..^"gamma".Length] + "weight";
        else if (name.EndsWith("LayerNorm.beta", StringComparison.Ordinal)) name = name[..^"beta".Length] + "bias";
        return BareBertName().IsMatch(name) ? "bert." + name : name;
    }

    /// <summary>Tensors that are not parameters of LlmForge's BERT: the position_ids buffer and the next-sentence head.</summary>
    public static bool IsIgnored(string canonicalName) => IgnoredName().IsMatch(canonicalName);

    [GeneratedRegex(@"^(embeddings|encoder|pooler)\.")]
    private static partial Regex BareBertName();

    [GeneratedRegex(@"^(bert\.embeddings\.position_ids|cls\.seq_relationship\.(weight|bias))$")]
    private static partial Regex IgnoredName();
}

/// <summary>The tensor names of BERT encoder layer <see cref="Index"/> ("bert.encoder.layer.{i}.…").</summary>
public readonly record struct BertLayerTensorNames(int Index)
{
    private string Prefix => $"bert.encoder.layer.{Index}.";

    /// <summary>attention.self.query: the query projection weight [C, C] ([out, in]).</summary>
    public string QueryWeight => Prefix + "attention.self.query.weight";
    /// <summary>The query projection bias [C].</summary>
    public string QueryBias => Prefix + "attention.self.query.bias";
    /// <summary>attention.self.key: the key projection weight [C, C].</summary>
    public string KeyWeight => Prefix + "attention.self.key.weight";
    /// <summary>The key projection bias [C].</summary>
    public string KeyBias => Prefix + "attention.self.key.bias";
    /// <summary>attention.self.value: the value projection weight [C, C].</summary>
    public string ValueWeight => Prefix + "attention.self.value.weight";
    /// <summary>The value projection bias [C].</summary>
    public string ValueBias => Prefix + "attention.self.value.bias";

    /// <summary>attention.output.dense: the attention's output projection [C, C].</summary>
    public string AttentionOutputWeight => Prefix + "attention.output.dense.weight";
    /// <summary>The attention output projection's bias [C].</summary>
    public string AttentionOutputBias => Prefix + "attention.output.dense.bias";

    /// <summary>attention.output.LayerNorm: after the attention residual (post-LN), before the attention (pre-LN).</summary>
    public string AttentionNormWeight => Prefix + "attention.output.LayerNorm.weight";
    /// <summary>The attention LayerNorm's shift [C].</summary>
    public string AttentionNormBias => Prefix + "attention.output.LayerNorm.bias";

    /// <summary>intermediate.dense: C → intermediate_size [F, C].</summary>
    public string IntermediateWeight => Prefix + "intermediate.dense.weight";
    /// <summary>The intermediate (first MLP) layer's bias [intermediate_size].</summary>
    public string IntermediateBias => Prefix + "intermediate.dense.bias";

    /// <summary>output.dense: intermediate_size → C [C, F].</summary>
    public string OutputWeight => Prefix + "output.dense.weight";
    /// <summary>The output (second MLP) layer's bias [C].</summary>
    public string OutputBias => Prefix + "output.dense.bias";

    /// <summary>output.LayerNorm: after the feed-forward residual (post-LN), before the feed-forward (pre-LN).</summary>
    public string OutputNormWeight => Prefix + "output.LayerNorm.weight";
    /// <summary>The output LayerNorm's shift [C].</summary>
    public string OutputNormBias => Prefix + "output.LayerNorm.bias";
}
