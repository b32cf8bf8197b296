using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Float sums accumulated in double, for statistics that must not depend on the summation order: a
/// LayerNorm row mean (x ≈ 10 over 768 columns loses 1e-5 relative in a sequential float sum), Σx² for
/// gradient clipping, bias-gradient column sums.
/// </summary>
internal static class WideSums
{
    /// <summary>Σ x in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(i)));
                acc += lo + hi;
            }
            sum = Vector512.Sum(acc);
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    /// <summary>Σ x² in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(i)));
                acc0 = Vector512.FusedMultiplyAdd(lo, lo, acc0);
                acc1 = Vector512.FusedMultiplyAdd(hi, hi, acc1);
            }
            sum = Vector512.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) sum += (double)x[i] * x[i];
        return sum;
    }

    /// <summary>acc[j] += x[j] in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(ReadOnlySpan<float> x, Span<double> acc)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= x.Length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(j)));
                (Vector512.Create((ReadOnlySpan<double>)acc.Slice(j)) + lo).CopyTo(acc.Slice(j));
                (Vector512.Create((ReadOnlySpan<double>)acc.Slice(j + Vector512<double>.Count)) + hi).CopyTo(acc.Slice(j + Vector512<double>.Count));
            }
        }
        for (; j < x.Length; j++) acc[j] += x[j];
    }
}
