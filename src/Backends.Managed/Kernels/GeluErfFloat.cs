using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The exact (erf) GELU's forward pass, x·Φ(x), evaluated in float, 16 lanes at a time: the forward kernels
/// (<see cref="ActivationKernels.Gelu"/>, <see cref="BiasGeluKernels.BiasGelu"/>, the GeGLU of
/// <see cref="GatedActivationKernels"/>) take this path for <see cref="GeluErfFunction"/>, about 4× cheaper than
/// evaluating erfc and exp in double; the backward passes keep the double derivative. Error: a few float ulps
/// (relative 1e-6 at worst, where Φ is tiny), against the 1e-5 relative + 1e-6 absolute the parity tests allow
/// and the float rounding of the GEMM output it follows.
/// </summary>
/// <remarks>
/// Φ(x) = ½·erfc(−x/√2), erfc(z) = t·exp(P(t) − z²) for z = |x|/√2 ≥ 0, t = 1/(1 + z/2), with P of degree 9 fitted as
/// <see cref="ErrorFunction"/>'s degree-16 one (<c>tools/erfc/fit_erfc.py 9</c>: relative error 4.8e-8 over
/// z ∈ [0, 10]); z² = x²/2 and P − z² are carried as float pairs (value and rounding error) so that exp's argument
/// keeps float precision for large z; exp by Cody–Waite reduction and a degree-7 Taylor polynomial (error 5e-9 on |r| ≤ ln2/2).
/// Beyond z = 9.2, erfc &lt; 1e-38 is taken as 0. Every element goes through the vector path (a short tail through a
/// padded stack copy), so a value's result does not depend on where it sits in a buffer: the fused and unfused
/// kernels agree to the bit.
/// </remarks>
internal static class GeluErfFloat
{
    private const float P0 = -1.2654479969014845f, P1 = 0.9986327833325387f, P2 = 0.3866404122161244f,
        P3 = 0.034602799591469044f, P4 = 0.0012675878783520314f, P5 = -0.08028043562637338f, P6 = -0.6962518939689184f,
        P7 = 1.1567337528017803f, P8 = -0.6808271756753909f, P9 = 0.1449302132831739f;

    private const float Sqrt1Over2 = 0.70710678118654752440f, ZeroBeyond = 9.2f;
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693145751953125f, Ln2Lo = 1.42860682030941723212e-6f;

    /// <summary>GELU(x) = x·Φ(x), lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var one = Vector512<float>.One;
        var half = Vector512.Create(0.5f);
        var z = Vector512.Abs(x) * Vector512.Create(Sqrt1Over2);
        var t = one / (one + half * z);
        var p = Vector512.Create(P9);
        p = Fma(p, t, P8); p = Fma(p, t, P7); p = Fma(p, t, P6); p = Fma(p, t, P5); p = Fma(p, t, P4);
        p = Fma(p, t, P3); p = Fma(p, t, P2); p = Fma(p, t, P1); p = Fma(p, t, P0);
        // exp(P − z²) with z² = x²/2 = hi + lo exactly (x² and its rounding error, halved), and P − hi = s + e:
        // e^(s + e − lo) ≈ e^s · (1 + e − lo), so the large z² loses nothing to rounding (z itself is not exact).
        var x2 = x * x;
        var hi = half * x2;
        var lo = half * Vector512.FusedMultiplyAdd(x, x, -x2);
        var s = p - hi;
        var e = p - (s + hi); // Fast2Sum (|hi| ≥ |p| wherever it matters): s + e = p − hi exactly
        var expS = Exp(Vector512.Max(s, Vector512.Create(-87f)));
        var erfc = t * Vector512.FusedMultiplyAdd(expS, e - lo, expS);
        erfc = Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(ZeroBeyond)), erfc, Vector512<float>.Zero);
        var phi = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), one - half * erfc, half * erfc);
        return x * phi;
    }

    /// <summary>y[j] = GELU(x[j] + shift[j]) (x + shift rounded to float first), or GELU(x[j]) when shift is empty; y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y)
    {
        int n = Vector512<float>.Count, j = 0;
        bool shifted = !shift.IsEmpty;
        for (; j <= x.Length - n; j += n)
        {
            var h = shifted ? Vector512.Create(x.Slice(j)) + Vector512.Create(shift.Slice(j)) : Vector512.Create(x.Slice(j));
            Invoke(h).CopyTo(y.Slice(j));
        }
        if (j == x.Length) return;
        Span<float> tail = stackalloc float[n];
        tail.Clear();
        for (int i = j; i < x.Length; i++) tail[i - j] = shifted ? x[i] + shift[i] : x[i];
        Invoke(Vector512.Create((ReadOnlySpan<float>)tail)).CopyTo(tail);
        tail[..(x.Length - j)].CopyTo(y.Slice(j));
    }

    /// <summary>y[j] = GELU(gate[j]) · m[j], or y[j] += that with <paramref name="accumulate"/>: the GELU rounded to float, then a float product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapTimes(ReadOnlySpan<float> gate, ReadOnlySpan<float> m, Span<float> y, bool accumulate)
    {
        int n = Vector512<float>.Count, j = 0;
        for (; j <= gate.Length - n; j += n)
        {
            var p = Invoke(Vector512.Create(gate.Slice(j))) * Vector512.Create(m.Slice(j));
            (accumulate ? Vector512.Create((ReadOnlySpan<float>)y.Slice(j)) + p : p).CopyTo(y.Slice(j));
        }
        if (j == gate.Length) return;
        Span<float> tail = stackalloc float[n];
        tail.Clear();
        gate[j..].CopyTo(tail);
        Invoke(Vector512.Create((ReadOnlySpan<float>)tail)).CopyTo(tail);
        for (int i = j; i < gate.Length; i++)
        {
            float p = tail[i - j] * m[i];
            y[i] = accumulate ? y[i] + p : p;
        }
    }

    /// <summary>e^a for a ∈ [−87, 0]: a = n·ln2 + r, |r| ≤ ln2/2, e^a = 2ⁿ·e^r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> a)
    {
        var n = Vector512.Round(a * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), a);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.Create(1f / 5040);
        p = Fma(p, r, 1f / 720); p = Fma(p, r, 1f / 120); p = Fma(p, r, 1f / 24); p = Fma(p, r, 1f / 6);
        p = Fma(p, r, 0.5f); p = Fma(p, r, 1f); p = Fma(p, r, 1f);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle(); // 2ⁿ, n ≥ −126
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, float c) =>
        Vector512.FusedMultiplyAdd(a, b, Vector512.Create(c));
}
