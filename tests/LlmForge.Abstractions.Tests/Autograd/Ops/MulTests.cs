using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class MulTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SameShape(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 2, 3);
        var b = GradCheck.Param(backend, 2, 2, 3);
        var y = a * b;
        for (int i = 0; i < 6; i++) Assert.Equal(a.Data[i] * b.Data[i], y.Data[i]);
        GradCheck.Assert(xs => xs[0] * xs[1], a, b);
        GradCheck.Assert(xs => xs[0] * xs[0], a); // the same input on both sides
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BroadcastsALastAxisVector(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4);
        var scale = GradCheck.Param(backend, 2, 4);
        var y = x * scale;
        for (int i = 0; i < 24; i++) Assert.Equal(x.Data[i] * scale.Data[i % 4], y.Data[i]);
        GradCheck.Assert(xs => xs[0] * xs[1], x, scale);
        GradCheck.Assert(xs => xs[1] * xs[0], x, scale);
        GradCheck.Assert(xs => xs[0] * xs[1], x, GradCheck.Param(backend, 3, 3, 4)); // [T, C] over [B, T, C]
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapesThatDoNotBroadcastAreNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3) * Tensor.Zeros(backend, 3, 2));
        Assert.Contains("Mul: a [2,3] and b [3,2] do not broadcast", e.Message);
    }
}
