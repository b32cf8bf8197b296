using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// erf and erfc in double precision (relative error about 1e-12 for erfc on z ≥ 0, so well below float's
/// 6e-8 rounding), with a Vector512 form for the GELU kernels. .NET has no Math.Erf.
/// </summary>
/// <remarks>
/// erfc(z) = t · exp(−z² + P(t)) with t = 1 / (1 + z/2), the form of Numerical Recipes' <c>erfcc</c>,
/// but with P a degree-16 polynomial fitted (least squares on Chebyshev nodes of t, against mpmath at
/// 40 digits) over z ∈ [0, 10] — t ∈ [1/6, 1] — instead of their degree-9 one (1.2e-7). Beyond z = 10,
/// erfc(z) &lt; 2e-45 is zero in float. tools/erfc/fit_erfc.py regenerates the coefficients.
/// </remarks>
public static class ErrorFunction
{
    // P(t) coefficients, constant term first.
    private const double P0 = -1.265513324537518, P1 = 1.0000487991238305, P2 = 0.3740978125647182,
        P3 = 0.09339366025150916, P4 = -0.16152175646645545, P5 = 0.2607448675328531, P6 = -1.679303168957025,
        P7 = 4.654519831779332, P8 = -9.841616521828602, P9 = 15.713557739399493, P10 = -16.772547035342356,
        P11 = 10.544313395929588, P12 = -2.3114551754748436, P13 = -1.8022183575626476, P14 = 1.7006608729877462,
        P15 = -0.5854460901183862, P16 = 0.07828445071969871;

    /// <summary>erfc(x) for any x (erfc(−x) = 2 − erfc(x)).</summary>
    public static double Erfc(double x) => x >= 0 ? ErfcNonNegative(x) : 2 - ErfcNonNegative(-x);

    /// <summary>
    /// erf(x): its Maclaurin series for |x| &lt; 0.5 (where 1 − erfc(x) would lose relative precision),
    /// else sign(x)·(1 − erfc(|x|)).
    /// </summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax >= 0.5) return Math.CopySign(1 - ErfcNonNegative(ax), x);
        // erf(x) = 2/√π · Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n + 1)); eleven terms reach 1e-16 at |x| = 0.5.
        double x2 = x * x, sum = 0;
        for (int n = MaclaurinTerms - 1; n >= 0; n--) sum = sum * x2 + Maclaurin[n];
        return TwoOverSqrtPi * x * sum;
    }

    /// <summary>Φ(x) = ½·erfc(−x/√2), the standard normal CDF; relatively accurate for x &lt; 0, where it is tiny.</summary>
    public static double NormalCdf(double x)
    {
        double e = ErfcNonNegative(Math.Abs(x) * Sqrt1Over2);
        return x >= 0 ? 1 - 0.5 * e : 0.5 * e;
    }

    /// <summary>1/√2, the scale of x in the exact GELU's Φ(x) = ½·erfc(−x/√2).</summary>
    public const double Sqrt1Over2 = 0.70710678118654752440;
    private const double TwoOverSqrtPi = 1.12837916709551257390;
    private const int MaclaurinTerms = 11;
    private static readonly double[] Maclaurin = MaclaurinCoefficients();

    private static double[] MaclaurinCoefficients()
    {
        var c = new double[MaclaurinTerms];
        double factorial = 1;
        for (int n = 0; n < MaclaurinTerms; n++)
        {
            if (n > 0) factorial *= n;
            c[n] = (n % 2 == 0 ? 1 : -1) / (factorial * (2 * n + 1));
        }
        return c;
    }

    /// <summary>erfc(z) for z ≥ 0 (NaN stays NaN, +∞ gives 0).</summary>
    public static double ErfcNonNegative(double z)
    {
        double t = 1 / (1 + 0.5 * z);
        double p = P16;
        p = p * t + P15; p = p * t + P14; p = p * t + P13; p = p * t + P12; p = p * t + P11; p = p * t + P10;
        p = p * t + P9; p = p * t + P8; p = p * t + P7; p = p * t + P6; p = p * t + P5; p = p * t + P4;
        p = p * t + P3; p = p * t + P2; p = p * t + P1; p = p * t + P0;
        return t * Math.Exp(p - z * z);
    }

    /// <summary>Lane-wise <see cref="ErfcNonNegative(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ErfcNonNegative(Vector512<double> z)
    {
        var one = Vector512<double>.One;
        var t = one / (one + Vector512.Create(0.5) * z);
        var p = Vector512.Create(P16);
        p = Fma(p, t, P15); p = Fma(p, t, P14); p = Fma(p, t, P13); p = Fma(p, t, P12); p = Fma(p, t, P11);
        p = Fma(p, t, P10); p = Fma(p, t, P9); p = Fma(p, t, P8); p = Fma(p, t, P7); p = Fma(p, t, P6);
        p = Fma(p, t, P5); p = Fma(p, t, P4); p = Fma(p, t, P3); p = Fma(p, t, P2); p = Fma(p, t, P1);
        p = Fma(p, t, P0);
        return t * Vector512.Exp(p - z * z);
    }

    /// <summary>Lane-wise <see cref="NormalCdf(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> NormalCdf(Vector512<double> x)
    {
        var half = Vector512.Create(0.5);
        var e = ErfcNonNegative(Vector512.Abs(x) * Vector512.Create(Sqrt1Over2));
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<double>.Zero),
            Vector512<double>.One - half * e, half * e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, double c) =>
        Vector512.FusedMultiplyAdd(a, b, Vector512.Create(c));
}
