using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class AddTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SameShape(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 2, 3);
        var b = GradCheck.Param(backend, 2, 2, 3);
        var y = a + b;
        for (int i = 0; i < 6; i++) Assert.Equal(a.Data[i] + b.Data[i], y.Data[i]);
        GradCheck.Assert(xs => xs[0] + xs[1], a, b);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BroadcastsPositionEmbeddingsOverTheBatch(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var tok = GradCheck.Param(backend, 1, 2, 3, 4); // (B, T, C)
        var pos = GradCheck.Param(backend, 2, 3, 4);    // (T, C)
        var y = tok + pos;
        Assert.Equal([2, 3, 4], y.Shape);
        for (int b = 0; b < 2; b++)
            for (int tc = 0; tc < 12; tc++)
                Assert.Equal(tok.Data[b * 12 + tc] + pos.Data[tc], y.Data[b * 12 + tc]);
        GradCheck.Assert(xs => xs[0] + xs[1], tok, pos);
        GradCheck.Assert(xs => xs[1] + xs[0], tok, pos); // smaller operand first
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BroadcastsABiasAScalarAndLeadingOnes(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4);
        GradCheck.Assert(xs => xs[0] + xs[1], x, GradCheck.Param(backend, 2, 4));       // bias [C]
        GradCheck.Assert(xs => xs[0] + xs[1], x, GradCheck.Param(backend, 3, 1, 3, 4)); // [1, T, C]
        var scalar = Tensor.Parameter(Tensor.Scalar(backend, 0.5f));
        Assert.Equal(x.Data[5] + 0.5f, (x + scalar).Data[5]);
        GradCheck.Assert(xs => xs[0] + xs[1], x, scalar);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapesThatDoNotBroadcastAreNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3) + Tensor.Zeros(backend, 2));
        Assert.Contains("Add: a [2,3] and b [2] do not broadcast", e.Message);
    }
}
