using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

/// <summary>F.LinearGelu: GELU(x · Wᵀ + b) through the fused bias + GELU kernels, against Linear then Gelu.</summary>
public class LinearGeluTests
{
    [Theory, MemberData(nameof(FusedGelu.Cases), MemberType = typeof(FusedGelu))]
    public void GradientsMatchFiniteDifferences(string backendName, GeluApproximation form)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 1, 2, 3, 4); // (B, T, in)
        var w = GradCheck.Param(backend, 2, 5, 4);    // (out, in)
        var b = GradCheck.Param(backend, 3, 5);
        GradCheck.Assert(xs => xs[0].LinearGelu(xs[1], xs[2], form), x, w, b);
    }

    [Theory, MemberData(nameof(FusedGelu.Cases), MemberType = typeof(FusedGelu))]
    public void EqualsLinearThenGelu(string backendName, GeluApproximation form)
    {
        var backend = TestBackends.Create(backendName);
        var (fused, fusedGrads) = Run(backend, form, fusedOp: true);
        var (unfused, unfusedGrads) = Run(backend, form, fusedOp: false);
        FusedGelu.AssertClose(unfused, fused, "y");
        for (int i = 0; i < fusedGrads.Length; i++) FusedGelu.AssertClose(unfusedGrads[i], fusedGrads[i], $"grad {i}");
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void FrozenBiasAndInputGetNoGradient(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = Tensor.Randn(backend, 1, 1f, 3, 4);
        var w = GradCheck.Param(backend, 2, 5, 4);
        var b = Tensor.Randn(backend, 3, 1f, 5);
        GradCheck.Assert(xs => xs[0].LinearGelu(xs[1], xs[2]), x, w, b);
        Assert.Null(x.Grad);
        Assert.Null(b.Grad);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapeErrorsNameTheOp(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(
            () => Tensor.Zeros(backend, 2, 4).LinearGelu(Tensor.Zeros(backend, 5, 4), Tensor.Zeros(backend, 4)));
        Assert.Contains("LinearGelu: bias [4] must be [5]", e.Message);
        Assert.Equal("bias", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => Tensor.Zeros(backend, 2, 4).LinearGelu(Tensor.Zeros(backend, 5, 4), null!));
    }

    /// <summary>y and the gradients of x, W, b for a seeded GPT-2-like slice (in 64 → out 256) and upstream gradient.</summary>
    private static (float[] Y, float[][] Grads) Run(ITensorBackend backend, GeluApproximation form, bool fusedOp)
    {
        var x = GradCheck.Param(backend, 11, 1f, 3, 7, 64);
        var w = GradCheck.Param(backend, 12, 0.1f, 256, 64);
        var b = GradCheck.Param(backend, 13, 0.5f, 256);
        var y = fusedOp ? x.LinearGelu(w, b, form) : x.Linear(w, b).Gelu(form);
        var values = y.ToArray();
        y.Backward(Tensor.Randn(backend, 14, 1f, y.Shape));
        return (values, [x.Grad!, w.Grad!, b.Grad!]);
    }
}
