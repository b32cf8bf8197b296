using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class ScaleTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Scale(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3);
        Assert.Equal(x.Data[4] * -0.125f, x.Scale(-0.125f).Data[4]);
        GradCheck.Assert(xs => xs[0].Scale(2.5f), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void NegAndSubAreCompositesWithCorrectGradients(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 2, 3);
        var b = GradCheck.Param(backend, 2, 3);
        Assert.Equal("Scale", (-a).GradFn!.Op); // no hand-written backward of its own
        Assert.Equal(a.Data[4] - b.Data[1], (a - b).Data[4]);
        GradCheck.Assert(xs => -xs[0], a);
        GradCheck.Assert(xs => xs[0] - xs[1], a, b);
        GradCheck.Assert(xs => xs[1] - xs[0], a, b);
    }
}
