using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

/// <summary>Add and Mul of [.., 1] against [.., C] (PyTorch's keepdim broadcast), forward and gradients.</summary>
public class PerRowBroadcastTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void AddsOneValuePerRow(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4);
        var v = GradCheck.Param(backend, 2, 2, 3, 1);
        var y = x + v;
        var flipped = v + x;
        Assert.Equal([2, 3, 4], y.Shape);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x.Data[i] + v.Data[i / 4], y.Data[i]);
            Assert.Equal(y.Data[i], flipped.Data[i]);
        }
        GradCheck.Assert(xs => xs[0] + xs[1], x, v);
        GradCheck.Assert(xs => xs[1] + xs[0], x, v);
        GradCheck.Assert(xs => xs[0] - xs[1], x, v);
        GradCheck.Assert(xs => xs[1] - xs[0], x, v);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MultipliesOneValuePerRow(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 3, 2, 3, 4);
        var v = GradCheck.Param(backend, 4, 2, 3, 1);
        var y = x * v;
        for (int i = 0; i < x.Length; i++) Assert.Equal(x.Data[i] * v.Data[i / 4], y.Data[i]);
        GradCheck.Assert(xs => xs[0] * xs[1], x, v);
        GradCheck.Assert(xs => xs[1] * xs[0], x, v);
        GradCheck.Assert(xs => xs[0] * xs[1].Reshape(2, 3, 1), x, GradCheck.Param(backend, 5, 6)); // through a view
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ARowValueUsedTwiceAccumulates(string backendName)
    {
        // v's gradient comes from both the Add and the Mul: the backward passes must add into it, not overwrite.
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 6, 4, 5);
        var v = GradCheck.Param(backend, 7, 4, 1);
        GradCheck.Assert(xs => (xs[0] + xs[1]) * xs[1], x, v);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void OtherShapesAreNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3, 4) + Tensor.Zeros(backend, 3, 1));
        Assert.Contains("Add: a [2,3,4] and b [3,1] do not broadcast", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3, 4) * Tensor.Zeros(backend, 2, 2, 1));
        Assert.Contains("Mul: a [2,3,4] and b [2,2,1] do not broadcast", e.Message);
    }
}
