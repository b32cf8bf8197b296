using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

// The functions of UnaryOp and their derivatives, each evaluated in double and rounded once (see IDoubleFunction),
// so every backend that computes them in float rounds to within an ulp of these.

/// <summary>√x.</summary>
internal readonly struct SqrtFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512.Sqrt(x);
}

/// <summary>d√x/dx = 1 / (2√x).</summary>
internal readonly struct SqrtDerivative : IDoubleFunction
{
    public static double Invoke(double x) => 0.5 / Math.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512.Create(0.5) / Vector512.Sqrt(x);
}

/// <summary>1/√x.</summary>
internal readonly struct RsqrtFunction : IDoubleFunction
{
    public static double Invoke(double x) => 1 / Math.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512<double>.One / Vector512.Sqrt(x);
}

/// <summary>d(1/√x)/dx = −½ · x^(−3/2) = −0.5 / (x√x).</summary>
internal readonly struct RsqrtDerivative : IDoubleFunction
{
    public static double Invoke(double x) => -0.5 / (x * Math.Sqrt(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512.Create(-0.5) / (x * Vector512.Sqrt(x));
}

/// <summary>1/x.</summary>
internal readonly struct ReciprocalFunction : IDoubleFunction
{
    public static double Invoke(double x) => 1 / x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512<double>.One / x;
}

/// <summary>d(1/x)/dx = −1/x².</summary>
internal readonly struct ReciprocalDerivative : IDoubleFunction
{
    public static double Invoke(double x) => -1 / (x * x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => -Vector512<double>.One / (x * x);
}

/// <summary>ln x.</summary>
internal readonly struct LogFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512.Log(x);
}

/// <summary>x².</summary>
internal readonly struct SquareFunction : IDoubleFunction
{
    public static double Invoke(double x) => x * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => x * x;
}

/// <summary>d(x²)/dx = 2x.</summary>
internal readonly struct SquareDerivative : IDoubleFunction
{
    public static double Invoke(double x) => 2 * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => x + x;
}

/// <summary>σ(x) = 1 / (1 + e^(−x)); for x ≪ 0, e^(−x) overflows to +∞ and σ to 0, its limit.</summary>
internal readonly struct SigmoidFunction : IDoubleFunction
{
    public static double Invoke(double x) => 1 / (1 + Math.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => Vector512<double>.One / (Vector512<double>.One + Vector512.Exp(-x));
}

/// <summary>σ'(x) = σ(x)(1 − σ(x)).</summary>
internal readonly struct SigmoidDerivative : IDoubleFunction
{
    public static double Invoke(double x)
    {
        double s = SigmoidFunction.Invoke(x);
        return s * (1 - s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var s = SigmoidFunction.Invoke(x);
        return s * (Vector512<double>.One - s);
    }
}

/// <summary>max(x, 0); NaN stays NaN.</summary>
internal readonly struct ReluFunction : IDoubleFunction
{
    public static double Invoke(double x) => x > 0 || double.IsNaN(x) ? x : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<double>.Zero), Vector512<double>.Zero, x);
}

/// <summary>ReLU' = 1 for x &gt; 0, else 0 (0 at x = 0, as PyTorch).</summary>
internal readonly struct ReluDerivative : IDoubleFunction
{
    public static double Invoke(double x) => x > 0 ? 1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<double>.Zero), Vector512<double>.One, Vector512<double>.Zero);
}

/// <summary>SiLU, x·σ(x), evaluated as x / (1 + e^(−x)).</summary>
internal readonly struct SiluFunction : IDoubleFunction
{
    public static double Invoke(double x) => x / (1 + Math.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => x / (Vector512<double>.One + Vector512.Exp(-x));
}

/// <summary>SiLU'(x) = σ(x)(1 + x(1 − σ(x))).</summary>
internal readonly struct SiluDerivative : IDoubleFunction
{
    public static double Invoke(double x)
    {
        double s = SigmoidFunction.Invoke(x);
        return s * (1 + x * (1 - s));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var s = SigmoidFunction.Invoke(x);
        return s * (Vector512<double>.One + x * (Vector512<double>.One - s));
    }
}
