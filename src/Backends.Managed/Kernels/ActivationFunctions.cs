using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>tanh in double. TensorPrimitives.Tanh computes (e²ˣ − 1)/(e²ˣ + 1) in float, which loses all relative precision near 0.</summary>
internal readonly struct TanhFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var one = Vector512<double>.One;
        var ax = Vector512.Abs(x);
        var e = Vector512.Exp(ax * -2.0);
        var viaExp = (one - e) / (one + e);
        // Near 0, 1 − e cancels; tanh x = x − x³/3 + 2x⁵/15 − 17x⁷/315 is exact to 1e-18 below 0.01.
        var x2 = x * x;
        var series = ax * (one + x2 * (Vector512.Create(-1.0 / 3) + x2 * (Vector512.Create(2.0 / 15) + x2 * Vector512.Create(-17.0 / 315))));
        var t = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.01)), series, viaExp);
        return Vector512.CopySign(t, x);
    }
}

/// <summary>
/// GPT-2's GELU, 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³) (PyTorch approximate="tanh"),
/// evaluated as x·σ(2u) = x / (1 + e^(−2u)): the same function without the cancellation of 1 + tanh(u) for x ≪ 0.
/// </summary>
internal readonly struct GeluTanhFunction : IDoubleFunction
{
    public const double SqrtTwoOverPi = 0.79788456080286535588, Kappa = 0.044715;

    public static double Invoke(double x)
    {
        double u = SqrtTwoOverPi * (x + Kappa * x * x * x);
        return x / (1 + Math.Exp(-2 * u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var u = Vector512.Create(SqrtTwoOverPi) * (x + Vector512.Create(Kappa) * x * x * x);
        return x / (Vector512<double>.One + Vector512.Exp(u * -2.0));
    }
}

/// <summary>
/// d/dx of <see cref="GeluTanhFunction"/>: with s = σ(2u) = ½(1 + tanh u),
/// GELU'(x) = s + 2x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²).
/// </summary>
internal readonly struct GeluTanhDerivative : IDoubleFunction
{
    public static double Invoke(double x)
    {
        double u = GeluTanhFunction.SqrtTwoOverPi * (x + GeluTanhFunction.Kappa * x * x * x);
        double s = 1 / (1 + Math.Exp(-2 * u));
        return s + 2 * x * s * (1 - s) * GeluTanhFunction.SqrtTwoOverPi * (1 + 3 * GeluTanhFunction.Kappa * x * x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var one = Vector512<double>.One;
        var k0 = Vector512.Create(GeluTanhFunction.SqrtTwoOverPi);
        var x2 = x * x;
        var u = k0 * (x + Vector512.Create(GeluTanhFunction.Kappa) * x2 * x);
        var s = one / (one + Vector512.Exp(u * -2.0));
        var du = k0 * (one + Vector512.Create(3 * GeluTanhFunction.Kappa) * x2);
        return s + Vector512.Create(2.0) * x * s * (one - s) * du;
    }
}

/// <summary>
/// BERT's exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (PyTorch's default), Φ from <see cref="ErrorFunction"/>. With
/// AVX-512 the forward kernels evaluate it in float instead (<see cref="GeluErfFloat"/>, a few ulps, 4× cheaper).
/// </summary>
internal readonly struct GeluErfFunction : IDoubleFunction
{
    public static double Invoke(double x) => x * ErrorFunction.NormalCdf(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => x * ErrorFunction.NormalCdf(x);
}

/// <summary>d/dx of x·Φ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).</summary>
internal readonly struct GeluErfDerivative : IDoubleFunction
{
    private const double InvSqrtTwoPi = 0.39894228040143267794;

    public static double Invoke(double x) => ErrorFunction.NormalCdf(x) + x * InvSqrtTwoPi * Math.Exp(-0.5 * x * x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) =>
        ErrorFunction.NormalCdf(x) + x * Vector512.Create(InvSqrtTwoPi) * Vector512.Exp(x * x * -0.5);
}
