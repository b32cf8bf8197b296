using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class RmsNormTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ScalesEachRowByItsRms(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 4, 8);
        var gamma = GradCheck.Param(backend, 2, 8);
        var y = x.RmsNorm(gamma, 1e-6f);
        for (int r = 0; r < 4; r++)
        {
            double ms = x.Data.Skip(r * 8).Take(8).Average(v => (double)v * v);
            for (int c = 0; c < 8; c++)
                Assert.Equal(x.Data[r * 8 + c] / Math.Sqrt(ms + 1e-6) * gamma.Data[c], y.Data[r * 8 + c], 1e-4);
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Gradients(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        GradCheck.Assert(xs => xs[0].RmsNorm(xs[1]), GradCheck.Param(backend, 1, 2, 3, 8), GradCheck.Param(backend, 2, 8));
    }
}
