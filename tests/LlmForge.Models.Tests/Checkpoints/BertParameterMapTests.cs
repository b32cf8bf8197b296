using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class BertParameterMapTests
{
    public static TheoryData<bool, bool, bool, bool> Variants
    {
        get
        {
            var data = new TheoryData<bool, bool, bool, bool>();
            foreach (bool pre in new[] { false, true })
                foreach (var (pooler, mlm, classifier) in new[] { (false, true, false), (true, true, false), (true, false, true), (false, false, false), (true, true, true) })
                    data.Add(pre, pooler, mlm, classifier);
            return data;
        }
    }

    /// <summary>Every row names a parameter of that shape, and every parameter has exactly one row.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void Map_covers_every_parameter_once(bool preLN, bool pooler, bool mlm, bool classifier)
    {
        var config = BertTestModels.Small with { NormPosition = preLN ? LayerNormPosition.Pre : LayerNormPosition.Post };
        var heads = new BertHeads(pooler, mlm, classifier);
        var model = new BertModel(config, BertTestModels.Backend, heads);
        var map = BertParameterMap.For(config, model.Heads);
        foreach (var row in map)
            Assert.Equal(row.Shape, model.GetParameter(row.Parameter).Shape);
        Assert.Equal(model.NamedParameters().Select(p => p.Name).Order(), map.Select(r => r.Parameter).Order());
        Assert.Equal(map.Count, map.Select(r => r.HfName).Distinct().Count());
        Assert.Equal(model.ParameterCount(), BertParameterMap.ParameterCount(config, model.Heads));
    }

    public static TheoryData<PositionEmbeddingType, NormalizationType> Kinds => new()
    {
        { PositionEmbeddingType.Sinusoidal, NormalizationType.LayerNorm }, { PositionEmbeddingType.Rotary, NormalizationType.RmsNorm },
        { PositionEmbeddingType.Absolute, NormalizationType.RmsNorm },
    };

    /// <summary>Other positional encodings and norms: the map drops position_embeddings and the LayerNorm biases.</summary>
    [Theory, MemberData(nameof(Kinds))]
    public void Map_follows_the_component_kinds(PositionEmbeddingType positions, NormalizationType normalization)
    {
        var config = BertTestModels.Small with { PositionEmbedding = positions, Normalization = normalization, NormPosition = LayerNormPosition.Pre };
        var model = new BertModel(config, BertTestModels.Backend, BertHeads.PreTraining with { Classifier = true });
        var map = BertParameterMap.For(config, model.Heads);
        Assert.Equal(model.NamedParameters().Select(p => p.Name).Order(), map.Select(r => r.Parameter).Order());
        Assert.Equal(positions == PositionEmbeddingType.Absolute, map.Any(r => r.HfName == BertTensorNames.PositionEmbeddings));
        Assert.Equal(normalization == NormalizationType.LayerNorm, map.Any(r => r.HfName.EndsWith("LayerNorm.bias")));
    }

    /// <summary>bert-base-uncased: BertModel (with pooler) 109,482,240 parameters; BertForMaskedLM 109,514,298.</summary>
    [Fact]
    public void Bert_base_parameter_counts_match_transformers()
    {
        Assert.Equal(109_482_240, BertParameterMap.ParameterCount(BertConfig.BertBase, new BertHeads(Pooler: true, MaskedLM: false)));
        Assert.Equal(109_514_298, BertParameterMap.ParameterCount(BertConfig.BertBase, BertHeads.MaskedLanguageModel));
    }

    /// <summary>The HF ↔ LlmForge names of one layer and the heads: the public contract (STYLE.md §6). Change only on purpose.</summary>
    [Fact]
    public void Snapshot_of_layer_and_head_rows()
    {
        var rows = BertParameterMap.For(BertTestModels.Small, BertHeads.PreTraining with { Classifier = true })
            .Where(r => !r.HfName.Contains("layer.0.") && !r.HfName.StartsWith("bert.embeddings")).Select(r => r.ToString());
        Assert.Equal(
        [
            "bert.encoder.layer.1.attention.self.query.weight [8, 8] → blocks.1.att.W_query.weight",
            "bert.encoder.layer.1.attention.self.query.bias [8] → blocks.1.att.W_query.bias",
            "bert.encoder.layer.1.attention.self.key.weight [8, 8] → blocks.1.att.W_key.weight",
            "bert.encoder.layer.1.attention.self.key.bias [8] → blocks.1.att.W_key.bias",
            "bert.encoder.layer.1.attention.self.value.weight [8, 8] → blocks.1.att.W_value.weight",
            "bert.encoder.layer.1.attention.self.value.bias [8] → blocks.1.att.W_value.bias",
            "bert.encoder.layer.1.attention.output.dense.weight [8, 8] → blocks.1.att.out_proj.weight",
            "bert.encoder.layer.1.attention.output.dense.bias [8] → blocks.1.att.out_proj.bias",
            "bert.encoder.layer.1.attention.output.LayerNorm.weight [8] → blocks.1.norm1.scale",
            "bert.encoder.layer.1.attention.output.LayerNorm.bias [8] → blocks.1.norm1.shift",
            "bert.encoder.layer.1.intermediate.dense.weight [12, 8] → blocks.1.ff.layers.0.weight",
            "bert.encoder.layer.1.intermediate.dense.bias [12] → blocks.1.ff.layers.0.bias",
            "bert.encoder.layer.1.output.dense.weight [8, 12] → blocks.1.ff.layers.2.weight",
            "bert.encoder.layer.1.output.dense.bias [8] → blocks.1.ff.layers.2.bias",
            "bert.encoder.layer.1.output.LayerNorm.weight [8] → blocks.1.norm2.scale",
            "bert.encoder.layer.1.output.LayerNorm.bias [8] → blocks.1.norm2.shift",
            "bert.pooler.dense.weight [8, 8] → pooler.dense.weight",
            "bert.pooler.dense.bias [8] → pooler.dense.bias",
            "cls.predictions.transform.dense.weight [8, 8] → mlm_head.transform.weight",
            "cls.predictions.transform.dense.bias [8] → mlm_head.transform.bias",
            "cls.predictions.transform.LayerNorm.weight [8] → mlm_head.norm.scale",
            "cls.predictions.transform.LayerNorm.bias [8] → mlm_head.norm.shift",
            "cls.predictions.bias [20] → mlm_head.bias",
            "classifier.weight [3, 8] → classifier.weight",
            "classifier.bias [3] → classifier.bias",
        ], rows);
    }

    [Theory]
    [InlineData("bert.embeddings.LayerNorm.gamma", "bert.embeddings.LayerNorm.weight")]
    [InlineData("encoder.layer.3.output.LayerNorm.beta", "bert.encoder.layer.3.output.LayerNorm.bias")]
    [InlineData("pooler.dense.weight", "bert.pooler.dense.weight")]
    [InlineData("cls.predictions.bias", "cls.predictions.bias")]
    public void Canonicalize_accepts_old_and_bare_names(string stored, string canonical) =>
        Assert.Equal(canonical, BertTensorNames.Canonicalize(stored));
}
