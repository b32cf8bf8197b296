using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

// Plain arithmetic with a BLAS/VML routine: vsAdd, vsMul, cblas_saxpy, in-place cblas_sscal. Measured on
// 786k floats against TensorPrimitives: vsAdd 34–40 µs vs 52–90 µs, saxpy 34–41 µs vs 65–110 µs.
public sealed partial class MklBackend
{
    public unsafe void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        SizeChecks.SameLength(a.Length, nameof(a), b.Length, nameof(b));
        SizeChecks.AtLeast(a.Length, y.Length, nameof(y));
        if (a.IsEmpty) return;
        fixed (float* pa = a, pb = b, py = y) MklNative.VsAdd(a.Length, pa, pb, py);
    }

    public unsafe void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        SizeChecks.SameLength(a.Length, nameof(a), b.Length, nameof(b));
        SizeChecks.AtLeast(a.Length, y.Length, nameof(y));
        if (a.IsEmpty) return;
        fixed (float* pa = a, pb = b, py = y) MklNative.VsMul(a.Length, pa, pb, py);
    }

    /// <summary>In place (y is x) through cblas_sscal; out of place the fallback's single pass beats a copy plus sscal.</summary>
    public unsafe void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        SizeChecks.AtLeast(x.Length, y.Length, nameof(y));
        if (x.IsEmpty) return;
        if (!x.Overlaps(y, out int offset) || offset != 0)
        {
            fallback.Scale(x, alpha, y);
            return;
        }
        fixed (float* py = y) MklNative.Sscal(x.Length, alpha, py, 1);
    }

    public unsafe void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        SizeChecks.AtLeast(x.Length, y.Length, nameof(y));
        if (x.IsEmpty) return;
        if (alpha == 0)
        {
            // BLAS returns early on alpha = 0; IEEE (and the managed kernel) still turn y into NaN where x is NaN or ±inf.
            fallback.Axpy(alpha, x, y);
            return;
        }
        fixed (float* px = x, py = y) MklNative.Saxpy(x.Length, alpha, px, 1, py, 1);
    }
}
