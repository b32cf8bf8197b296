using LlmForge.Backends;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>Double-precision references of <see cref="GateActivation"/>'s functions, and the unfused kernels each one replaces.</summary>
public static class ReferenceGate
{
    public static Func<double, double> Function(GateActivation activation) => activation switch
    {
        GateActivation.Silu => ReferenceMap.Function(UnaryOp.Silu),
        GateActivation.GeluTanh => ReferenceKernels.GeluTanh,
        GateActivation.GeluErf => ReferenceKernels.GeluErf,
        GateActivation.Relu => ReferenceMap.Function(UnaryOp.Relu),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no reference"),
    };

    /// <summary>y = act(x) by the backend's unfused element-wise kernel (Map or Gelu).</summary>
    public static void Unfused(ITensorBackend be, GateActivation activation, float[] x, float[] y)
    {
        if (activation == GateActivation.GeluTanh) be.Gelu(x, y, GeluApproximation.Tanh);
        else if (activation == GateActivation.GeluErf) be.Gelu(x, y, GeluApproximation.Erf);
        else be.Map(activation == GateActivation.Silu ? UnaryOp.Silu : UnaryOp.Relu, x, y);
    }

    /// <summary>dx += dy · act'(x) by the backend's unfused backward kernel (MapBackward or GeluBackward).</summary>
    public static void UnfusedBackward(ITensorBackend be, GateActivation activation, float[] x, float[] dy, float[] dx)
    {
        if (activation == GateActivation.GeluTanh) be.GeluBackward(x, dy, dx, GeluApproximation.Tanh);
        else if (activation == GateActivation.GeluErf) be.GeluBackward(x, dy, dx, GeluApproximation.Erf);
        else be.MapBackward(activation == GateActivation.Silu ? UnaryOp.Silu : UnaryOp.Relu, x, dy, dx);
    }
}
