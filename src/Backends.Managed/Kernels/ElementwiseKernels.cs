using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Element-wise and row-broadcast kernels. Each checks its arguments (<see cref="KernelChecks"/>), then runs
/// <see cref="TensorPrimitives"/> over contiguous chunks, in parallel on large buffers. The output may be an input.
/// </summary>
public static unsafe class ElementwiseKernels
{
    /// <summary>y = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int threads)
    {
        KernelChecks.Binary(a, b, y);
        fixed (float* pa = a, pb = b, py = y)
        {
            float* ap = pa, bp = pb, yp = py;
            KernelParallel.For(a.Length, a.Length, threads, (s, e) =>
                TensorPrimitives.Add(new ReadOnlySpan<float>(ap + s, e - s), new ReadOnlySpan<float>(bp + s, e - s), new Span<float>(yp + s, e - s)));
        }
    }

    /// <summary>y = a ⊙ b.</summary>
    public static void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int threads)
    {
        KernelChecks.Binary(a, b, y);
        fixed (float* pa = a, pb = b, py = y)
        {
            float* ap = pa, bp = pb, yp = py;
            KernelParallel.For(a.Length, a.Length, threads, (s, e) =>
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(ap + s, e - s), new ReadOnlySpan<float>(bp + s, e - s), new Span<float>(yp + s, e - s)));
        }
    }

    /// <summary>y = alpha · x.</summary>
    public static void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y, int threads)
    {
        KernelChecks.Unary(x, y);
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(x.Length, x.Length, threads, (s, e) =>
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(xp + s, e - s), alpha, new Span<float>(yp + s, e - s)));
        }
    }

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Axpy(x, y);
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(x.Length, x.Length, threads, (s, e) =>
            {
                var yc = new Span<float>(yp + s, e - s);
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(xp + s, e - s), alpha, yc, yc);
            });
        }
    }

    /// <summary>y = exp(x).</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Unary(x, y);
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(x.Length, 4L * x.Length, threads, (s, e) =>
                TensorPrimitives.Exp(new ReadOnlySpan<float>(xp + s, e - s), new Span<float>(yp + s, e - s)));
        }
    }

    /// <summary>y[r, c] = x[r, c] + bias[c] for x of [rows, cols].</summary>
    public static void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.RowBroadcast(x, bias, y, rows, cols, nameof(bias));
        RowBroadcast(x, bias, y, rows, cols, threads, multiply: false);
    }

    /// <summary>y[r, c] = x[r, c] · scale[c] for x of [rows, cols].</summary>
    public static void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.RowBroadcast(x, scale, y, rows, cols, nameof(scale));
        RowBroadcast(x, scale, y, rows, cols, threads, multiply: true);
    }

    private static void RowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> vector, Span<float> y, int rows, int cols, int threads, bool multiply)
    {
        fixed (float* px = x, pv = vector, py = y)
        {
            float* xp = px, vp = pv, yp = py;
            KernelParallel.For(rows, (long)rows * cols, threads, (r0, r1) =>
            {
                var v = new ReadOnlySpan<float>(vp, cols);
                for (int r = r0; r < r1; r++)
                {
                    var xr = new ReadOnlySpan<float>(xp + (long)r * cols, cols);
                    var yr = new Span<float>(yp + (long)r * cols, cols);
                    if (multiply) TensorPrimitives.Multiply(xr, v, yr);
                    else TensorPrimitives.Add(xr, v, yr);
                }
            });
        }
    }
}
