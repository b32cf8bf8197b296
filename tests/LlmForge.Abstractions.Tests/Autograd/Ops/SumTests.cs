using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class SumTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SumAndMeanOfEverything(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 4);
        double total = x.Data.Sum(v => (double)v);
        Assert.Empty(x.Sum().Shape);
        Assert.Equal(total, x.Sum().Item(), 1e-4);
        Assert.Equal(total / 24, x.Mean().Item(), 1e-5);
        GradCheck.Assert(xs => xs[0].Sum(), x);
        GradCheck.Assert(xs => xs[0].Mean(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SumOverTheLastAxis(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 2, 2, 3, 4);
        var y = x.SumLastAxis();
        Assert.Equal([2, 3], y.Shape);
        for (int r = 0; r < 6; r++) Assert.Equal(x.Data.Skip(r * 4).Take(4).Sum(v => (double)v), y.Data[r], 1e-5);
        GradCheck.Assert(xs => xs[0].SumLastAxis(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MeanOverTheLastAxisWithAndWithoutKeepDim(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 3, 2, 3, 4);
        var kept = x.MeanLastAxis(keepDim: true);
        var dropped = x.MeanLastAxis();
        Assert.Equal([2, 3, 1], kept.Shape);
        Assert.Equal([2, 3], dropped.Shape);
        Assert.Equal([2, 3, 1], x.SumLastAxis(keepDim: true).Shape);
        for (int r = 0; r < 6; r++)
        {
            double mean = x.Data.Skip(r * 4).Take(4).Average(v => (double)v);
            Assert.Equal(mean, kept.Data[r], 1e-6);
            Assert.Equal(mean, dropped.Data[r], 1e-6);
        }
        GradCheck.Assert(xs => xs[0].MeanLastAxis(keepDim: true), x);
        GradCheck.Assert(xs => xs[0].MeanLastAxis(), x);
        GradCheck.Assert(xs => xs[0] - xs[0].MeanLastAxis(keepDim: true), x); // x − x.mean(-1, keepdim=True)
    }
}
