using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class LayerNormTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void NormalizesEachRow(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 8);
        var gamma = GradCheck.Param(backend, 2, 8);
        var beta = GradCheck.Param(backend, 3, 8);
        var y = x.LayerNorm(gamma, beta);
        for (int r = 0; r < 6; r++)
        {
            var row = x.Data.Skip(r * 8).Take(8).Select(v => (double)v).ToArray();
            double mean = row.Average(), variance = row.Average(v => (v - mean) * (v - mean));
            for (int c = 0; c < 8; c++)
                Assert.Equal((row[c] - mean) / Math.Sqrt(variance + 1e-5) * gamma.Data[c] + beta.Data[c], y.Data[r * 8 + c], 1e-4);
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GradientsWithAndWithoutBeta(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 8);
        var gamma = GradCheck.Param(backend, 2, 8);
        var beta = GradCheck.Param(backend, 3, 8);
        GradCheck.Assert(xs => xs[0].LayerNorm(xs[1], xs[2]), x, gamma, beta);
        GradCheck.Assert(xs => xs[0].LayerNorm(xs[1], null), x, gamma);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void OnlyTheAffineParametersTrain(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = Tensor.Randn(backend, 1, 1f, 3, 8);
        var gamma = GradCheck.Param(backend, 2, 8);
        var beta = GradCheck.Param(backend, 3, 8);
        GradCheck.Assert(xs => xs[0].LayerNorm(xs[1], xs[2]), x, gamma, beta);
        Assert.Null(x.Grad);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void WrongGammaIsNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(
            () => Tensor.Zeros(backend, 2, 8).LayerNorm(Tensor.Ones(backend, 4), null));
        Assert.Contains("LayerNorm: gamma [4] must be [8] for x [2,8]", e.Message);
    }
}
