using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Inspection;
using Xunit;

namespace LlmForge.Tests.Inspection;

/// <summary><see cref="ParameterView"/> (a tensor or its N-th row, with statistics) and <see cref="GradientNorms"/>.</summary>
public class ParameterViewTests
{
    private static readonly GptConfig Tiny = new() { VocabSize = 13, ContextLength = 8, EmbeddingDim = 6, Layers = 2, Heads = 2 };

    [Fact]
    public void A_row_is_the_nth_embedding_with_its_statistics()
    {
        var model = new GptModel(Tiny, TestBackends.Create("Managed"), seed: 2);
        var view = ParameterView.Of(model, "tok_emb.weight", row: 5);
        float[] expected = model.TokenEmbedding.Weight.ToArray()[(5 * 6)..(6 * 6)];
        Assert.Equal(expected, view.Values);
        Assert.Equal(new[] { 13, 6 }, view.Shape);
        Assert.Equal(expected.Average(x => (double)x), view.Statistics.Mean, 12);
        Assert.Equal(expected.Min(), view.Statistics.Max <= expected.Max() ? view.Statistics.Min : double.NaN);

        var whole = ParameterView.Of(model, "trf_blocks.1.norm2.scale");
        Assert.Null(whole.Row);
        Assert.Equal(6, whole.Statistics.Count);
        Assert.Equal(model.GetParameter("trf_blocks.1.norm2.scale").ToArray(), whole.Values);
    }

    [Fact]
    public void Unknown_names_and_rows_out_of_range_are_one_line_errors()
    {
        var model = new GptModel(Tiny, TestBackends.Create("Managed"));
        var e = Assert.Throws<ArgumentException>(() => ParameterView.Of(model, "tok_emb.wieght"));
        Assert.Contains("closest: tok_emb.weight", e.Message);
        e = Assert.Throws<ArgumentException>(() => ParameterView.Of(model, "tok_emb.weight", row: 13));
        Assert.Contains("rows are 0 … 12", e.Message);
        Assert.Throws<ArgumentException>(() => ParameterView.Of(model, "tok_emb.weight", row: -1));
        e = Assert.Throws<ArgumentException>(() => ParameterView.Of(model, "final_norm.shift", row: 0));
        Assert.Contains("has no rows", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Gradient_norms_are_the_l2_norms_of_each_parameters_gradient()
    {
        var model = new GptModel(Tiny, TestBackends.Create("Managed"), seed: 3);
        Assert.All(GradientNorms.Of(model), n => Assert.Null(n.Norm)); // before any backward
        model.Forward([1, 2, 3, 4], [2, 3, 4, 5], 1, 4).Loss.Backward();

        var norms = GradientNorms.Of(model);
        Assert.Equal(model.NamedParameters().Select(p => p.Name), norms.Select(n => n.Name)); // the tied head once
        foreach (var (name, parameter) in model.NamedParameters())
        {
            double expected = Math.Sqrt(parameter.Grad!.Sum(g => (double)g * g));
            var norm = Assert.Single(norms, n => n.Name == name).Norm;
            Assert.True(norm > 0 && Math.Abs(norm!.Value - expected) <= 1e-9 * expected, $"{name}: {norm} vs {expected}");
        }
        double total = Math.Sqrt(model.Parameters().Sum(p => p.Grad!.Sum(g => (double)g * g)));
        Assert.True(Math.Abs(GradientNorms.Total(norms) - total) <= 1e-9 * total);
    }
}
