using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

/// <summary>F.GatedActivation: act(gate) ⊙ up through the fused kernel, against the unfused act then Mul.</summary>
public class GatedActivationTests
{
    public static TheoryData<string, GateActivation> Cases()
    {
        var data = new TheoryData<string, GateActivation>();
        foreach (var name in TestBackends.Names)
            foreach (var activation in Enum.GetValues<GateActivation>()) data.Add(name, activation);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string backendName, GateActivation activation)
    {
        var backend = TestBackends.Create(backendName);
        var gate = GradCheck.Param(backend, 1, 2, 3, 4); // (B, T, H)
        var up = GradCheck.Param(backend, 2, 2, 3, 4);
        // Gate inputs kept at least 0.1 away from ReLU's kink at 0, where a finite difference is not a derivative.
        for (int i = 0; i < gate.Data.Length; i++)
            if (Math.Abs(gate.Data[i]) < 0.1f) gate.Data[i] = gate.Data[i] < 0 ? -0.1f - gate.Data[i] : 0.1f + gate.Data[i];
        GradCheck.Assert(xs => xs[0].GatedActivation(xs[1], activation), gate, up);
    }

    [Theory, MemberData(nameof(Cases))]
    public void EqualsActivationThenMul(string backendName, GateActivation activation)
    {
        var backend = TestBackends.Create(backendName);
        var (fused, fusedGrads) = Run(backend, activation, fusedOp: true);
        var (unfused, unfusedGrads) = Run(backend, activation, fusedOp: false);
        // MKL's unfused erf GELU is VML's (float); the fused kernel's GELU is the managed double one on every backend.
        Action<float[], float[]> same = backendName == "Mkl" && activation == GateActivation.GeluErf
            ? (expected, actual) => FusedGelu.AssertClose(expected, actual, activation.ToString())
            : (expected, actual) => Assert.Equal(expected, actual);
        same(unfused, fused);
        same(unfusedGrads[0], fusedGrads[0]);
        same(unfusedGrads[1], fusedGrads[1]);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void FrozenUpGetsNoGradient(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var gate = GradCheck.Param(backend, 1, 3, 5);
        var up = Tensor.Randn(backend, 2, 1f, 3, 5);
        GradCheck.Assert(xs => xs[0].GatedActivation(xs[1]), gate, up);
        Assert.Null(up.Grad);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapeErrorsNameTheOp(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 4).GatedActivation(Tensor.Zeros(backend, 2, 5)));
        Assert.Contains("GatedActivation: gate [2,4] and up [2,5]", e.Message);
        Assert.Throws<ArgumentNullException>(() => Tensor.Zeros(backend, 2, 4).GatedActivation(null!));
    }

    /// <summary>y and the gradients of gate and up for a seeded (3, 7, 200) slice (off every vector width) and upstream gradient.</summary>
    private static (float[] Y, float[][] Grads) Run(ITensorBackend backend, GateActivation activation, bool fusedOp)
    {
        var gate = GradCheck.Param(backend, 11, 2f, 3, 7, 200);
        var up = GradCheck.Param(backend, 12, 1f, 3, 7, 200);
        var y = fusedOp ? gate.GatedActivation(up, activation) : Unfused(gate, activation).Mul(up);
        var values = y.ToArray();
        y.Backward(Tensor.Randn(backend, 14, 1f, y.Shape));
        return (values, [gate.Grad!, up.Grad!]);
    }

    private static Tensor Unfused(Tensor gate, GateActivation activation) => activation switch
    {
        GateActivation.Silu => gate.Silu(),
        GateActivation.GeluTanh => gate.Gelu(GeluApproximation.Tanh),
        GateActivation.GeluErf => gate.Gelu(GeluApproximation.Erf),
        _ => gate.Relu(),
    };
}
