using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd;

/// <summary>The gradient check must be able to fail: ops with deliberately wrong backward closures.</summary>
public class GradCheckTests
{
    // tanh whose backward forgets the (1 − y²) factor: dx += dy
    private static Tensor TanhMissingFactor(Tensor x)
    {
        var y = Tensor.Zeros(x.Backend, x.Shape);
        x.Backend.Tanh(x.Data, y.Data);
        return Graph.Record(y, "BrokenTanh", [x], dy => x.Backend.Axpy(1f, dy, x.GradBuffer()));
    }

    // 3·x whose backward is 10% too large
    private static Tensor ScaleSlightlyOff(Tensor x)
    {
        var y = Tensor.Zeros(x.Backend, x.Shape);
        x.Backend.Scale(x.Data, 3f, y.Data);
        return Graph.Record(y, "BrokenScale", [x], dy => x.Backend.Axpy(3.3f, dy, x.GradBuffer()));
    }

    // a·b whose backward swaps the roles (da += dy ⊙ a)
    private static Tensor MulSwapped(Tensor a, Tensor b)
    {
        var y = Tensor.Zeros(a.Backend, a.Shape);
        a.Backend.Mul(a.Data, b.Data, y.Data);
        return Graph.Record(y, "BrokenMul", [a, b], dy =>
        {
            var t = new float[dy.Length];
            a.Backend.Mul(dy, a.Data, t);
            a.Backend.Axpy(1f, t, a.GradBuffer());
            a.Backend.Mul(dy, b.Data, t);
            a.Backend.Axpy(1f, t, b.GradBuffer());
        });
    }

    // 2·x whose backward writes NaN into the gradient
    private static Tensor ScaleWithNaNGradient(Tensor x)
    {
        var y = Tensor.Zeros(x.Backend, x.Shape);
        x.Backend.Scale(x.Data, 2f, y.Data);
        return Graph.Record(y, "NaNScale", [x], dy => x.GradBuffer().AsSpan().Fill(float.NaN));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void DetectsNaNGradient(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 3, 4);
        Assert.Equal(x.Length, GradCheck.Run(xs => ScaleWithNaNGradient(xs[0]), [x]).Count);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void DetectsMissingDerivativeFactor(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 3, 4);
        Assert.NotEmpty(GradCheck.Run(xs => TanhMissingFactor(xs[0]), [x]));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void DetectsTenPercentError(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 2, 3, 4);
        Assert.NotEmpty(GradCheck.Run(xs => ScaleSlightlyOff(xs[0]), [x]));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void DetectsSwappedInputs(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 3, 2, 5);
        var b = GradCheck.Param(backend, 4, 2, 5);
        Assert.NotEmpty(GradCheck.Run(xs => MulSwapped(xs[0], xs[1]), [a, b]));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void AcceptsTheCorrectGradient(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 3, 4);
        Assert.Empty(GradCheck.Run(xs => xs[0].Tanh(), [x]));
    }
}
