using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class LinearTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MatchesXTimesWeightTransposedPlusBias(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4); // (B, T, in)
        var w = GradCheck.Param(backend, 2, 5, 4);    // (out, in)
        var b = GradCheck.Param(backend, 3, 5);
        var y = x.Linear(w, b);
        Assert.Equal([2, 3, 5], y.Shape);
        for (int r = 0; r < 6; r++)
            for (int o = 0; o < 5; o++)
            {
                double sum = b.Data[o];
                for (int i = 0; i < 4; i++) sum += (double)x.Data[r * 4 + i] * w.Data[o * 4 + i];
                Assert.Equal(sum, y.Data[r * 5 + o], 1e-4);
            }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GradientsWithAndWithoutBias(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4);
        var w = GradCheck.Param(backend, 2, 5, 4);
        var b = GradCheck.Param(backend, 3, 5);
        GradCheck.Assert(xs => xs[0].Linear(xs[1], xs[2]), x, w, b);
        GradCheck.Assert(xs => F.Linear(xs[0], xs[1]), x, w);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void FrozenInputsGetNoGradient(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = Tensor.Randn(backend, 1, 1f, 3, 4); // data, not a parameter
        var w = GradCheck.Param(backend, 2, 5, 4);
        GradCheck.Assert(xs => xs[0].Linear(xs[1]), x, w);
        Assert.Null(x.Grad);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapeErrorsNameTheShapes(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3).Linear(Tensor.Zeros(backend, 5, 4)));
        Assert.Contains("x [2,3] and weight [5,4]: x's last dim must be in = 4", e.Message);
        var bias = Assert.Throws<ArgumentException>(
            () => Tensor.Zeros(backend, 2, 4).Linear(Tensor.Zeros(backend, 5, 4), Tensor.Zeros(backend, 4)));
        Assert.Contains("bias [4] must be [5]", bias.Message);
    }
}
