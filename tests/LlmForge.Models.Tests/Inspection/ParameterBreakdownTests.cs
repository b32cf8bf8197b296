using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Inspection;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Inspection;

/// <summary>
/// <see cref="ParameterBreakdown"/>: GPT-2 124M's two famous totals (163,009,536 with an untied head and no qkv bias;
/// 124,439,808 tied, with qkv bias) and the course's step-by-step subtotals, each derived here from the config's
/// sizes; the components always sum to <see cref="Layers.Module.ParameterCount"/>.
/// </summary>
public class ParameterBreakdownTests
{
    [Theory]
    [InlineData(false, false, 163_009_536L)]
    [InlineData(true, true, 124_439_808L)]
    public void Gpt2_124M_totals_and_step_by_step_subtotals(bool tied, bool qkvBias, long expectedTotal)
    {
        var config = new GptConfig { VocabSize = 50257, ContextLength = 1024, EmbeddingDim = 768, Layers = 12, Heads = 12, TieWeights = tied, QkvBias = qkvBias };
        var model = new GptModel(config, TestBackends.Create("Managed"));
        var breakdown = ParameterBreakdown.Of(model);

        Assert.Equal(expectedTotal, breakdown.Total);
        Assert.Equal(model.ParameterCount(), breakdown.Total);
        Assert.Equal(breakdown.Total, breakdown.Components.Sum(c => c.Count));
        Assert.Equal(breakdown.Total, breakdown.Parameters.Sum(p => p.Count));

        long v = config.VocabSize, t = config.ContextLength, c = config.EmbeddingDim, f = 4 * c;
        long attention = 3 * (c * c + (qkvBias ? c : 0)) + c * c + c; // W_query, W_key, W_value (+ bias), out_proj + bias
        long mlp = c * f + f + f * c + c;
        var expected = new List<(string, string, long)> { ("embeddings", "embeddings", v * c + t * c) };
        for (int i = 0; i < config.Layers; i++)
            expected.AddRange([($"trf_blocks.{i}.norms", "norm", 4 * c), ($"trf_blocks.{i}.att", "attention", attention), ($"trf_blocks.{i}.ff", "mlp", mlp)]);
        expected.AddRange([("final_norm", "norm", 2 * c), ("out_head", "head", tied ? 0 : v * c)]);
        Assert.Equal(expected, breakdown.Components.Select(x => (x.Name, x.Kind, x.Count)));

        var head = Assert.Single(breakdown.Parameters, p => p.Name == "out_head.weight");
        Assert.Equal(tied ? "tok_emb.weight" : null, head.TiedTo);
        Assert.Equal(new[] { 50257, 768 }, head.Shape);
        Assert.Equal(breakdown.Total * 4.0 / (1024 * 1024), breakdown.TotalMegabytes);

        var blocks = Assert.Single(breakdown.Root.Children, n => n.Name == "trf_blocks");
        Assert.Equal(12 * (attention + mlp + 4 * c), blocks.Count);
        Assert.Equal(blocks.Count, blocks.Children.Sum(n => n.Count));
        Assert.Equal(new[] { ("embeddings", v * c + t * c), ("norm", 12 * 4 * c + 2 * c), ("attention", 12 * attention), ("mlp", 12 * mlp), ("head", tied ? 0 : v * c) },
            breakdown.ByKind());
    }

    [Fact]
    public void A_gated_feed_forward_is_an_mlp_component_of_three_matrices()
    {
        // The baby GPT of Learn 9 with SwiGLU of width 170 ≈ ⅔·4C: 3·C·170 per block instead of 2·C·4C + 4C + C.
        var config = new GptConfig
        {
            VocabSize = 65, ContextLength = 64, EmbeddingDim = 64, Layers = 2, Heads = 4, InnerDim = 170,
            FeedForward = FeedForwardType.Gated, Activation = LlmForge.Layers.ActivationFunction.Silu,
        };
        var model = new GptModel(config, TestBackends.Create("Managed"));
        var breakdown = ParameterBreakdown.Of(model);

        var ff = Assert.Single(breakdown.Components, x => x.Name == "trf_blocks.1.ff");
        Assert.Equal(("mlp", 3L * 64 * 170), (ff.Kind, ff.Count));
        Assert.Equal(["trf_blocks.1.ff.gate_proj.weight", "trf_blocks.1.ff.up_proj.weight", "trf_blocks.1.ff.down_proj.weight"], ff.Parameters);
        Assert.Equal(2 * 3L * 64 * 170, breakdown.ByKind().Single(k => k.Kind == "mlp").Count);
        Assert.Equal(GptParameterShapes.Count(config), breakdown.Total);
        Assert.Equal(breakdown.Total, breakdown.Components.Sum(x => x.Count));
    }

    [Fact]
    public void Bert_components_sum_to_the_parameter_count()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.PreTraining);
        var breakdown = ParameterBreakdown.Of(model);
        Assert.Equal(model.ParameterCount(), breakdown.Total);
        Assert.Equal(breakdown.Total, breakdown.Components.Sum(c => c.Count));
        Assert.Equal(["embeddings", "blocks.0.att", "blocks.0.norms", "blocks.0.ff", "blocks.1.att", "blocks.1.norms", "blocks.1.ff", "pooler", "mlm_head"],
            breakdown.Components.Select(c => c.Name));
        var c = BertTestModels.Small;
        Assert.Equal((c.VocabSize + c.MaxPositions + c.TypeVocabSize + 2) * (long)c.HiddenSize, breakdown.Components[0].Count);
        // The MLM decoder reads the word embeddings without registering them again: its head is transform, norm and bias.
        Assert.Equal((c.HiddenSize + 1) * (long)c.HiddenSize + 2 * c.HiddenSize + c.VocabSize, breakdown.Components[^1].Count);
    }
}
