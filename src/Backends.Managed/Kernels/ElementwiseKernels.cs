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
            KernelParallel.For(a.Length, a.Length, threads, new Operands(pa, pb, py), static (in Operands o, int s, int e) =>
                TensorPrimitives.Add(new ReadOnlySpan<float>(o.A + s, e - s), new ReadOnlySpan<float>(o.B + s, e - s), new Span<float>(o.Y + s, e - s)));
    }

    /// <summary>y = a ⊙ b.</summary>
    public static void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int threads)
    {
        KernelChecks.Binary(a, b, y);
        fixed (float* pa = a, pb = b, py = y)
            KernelParallel.For(a.Length, a.Length, threads, new Operands(pa, pb, py), static (in Operands o, int s, int e) =>
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(o.A + s, e - s), new ReadOnlySpan<float>(o.B + s, e - s), new Span<float>(o.Y + s, e - s)));
    }

    /// <summary>y = alpha · x.</summary>
    public static void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y, int threads)
    {
        KernelChecks.Unary(x, y);
        fixed (float* px = x, py = y)
            KernelParallel.For(x.Length, x.Length, threads, new Operands(px, null, py, alpha), static (in Operands o, int s, int e) =>
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(o.A + s, e - s), o.Alpha, new Span<float>(o.Y + s, e - s)));
    }

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Axpy(x, y);
        fixed (float* px = x, py = y)
            KernelParallel.For(x.Length, x.Length, threads, new Operands(px, null, py, alpha), static (in Operands o, int s, int e) =>
            {
                var yc = new Span<float>(o.Y + s, e - s);
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(o.A + s, e - s), o.Alpha, yc, yc);
            });
    }

    /// <summary>y = exp(x).</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Unary(x, y);
        fixed (float* px = x, py = y)
            KernelParallel.For(x.Length, 4L * x.Length, threads, new Operands(px, null, py), static (in Operands o, int s, int e) =>
                TensorPrimitives.Exp(new ReadOnlySpan<float>(o.A + s, e - s), new Span<float>(o.Y + s, e - s)));
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
            KernelParallel.For(rows, (long)rows * cols, threads, new BroadcastOperands(px, pv, py, cols, multiply), static (in BroadcastOperands o, int r0, int r1) =>
            {
                int cols = o.Cols;
                var v = new ReadOnlySpan<float>(o.Vector, cols);
                for (int r = r0; r < r1; r++)
                {
                    var xr = new ReadOnlySpan<float>(o.X + (long)r * cols, cols);
                    var yr = new Span<float>(o.Y + (long)r * cols, cols);
                    if (o.Multiply) TensorPrimitives.Multiply(xr, v, yr);
                    else TensorPrimitives.Add(xr, v, yr);
                }
            });
    }

    /// <summary>An element-wise kernel's pinned buffers (b unused by unary kernels) and scalar.</summary>
    private readonly struct Operands(float* a, float* b, float* y, float alpha = 0)
    {
        public readonly float* A = a, B = b, Y = y;
        public readonly float Alpha = alpha;
    }

    /// <summary>A row broadcast's pinned x [rows, cols], vector [cols] and y [rows, cols].</summary>
    private readonly struct BroadcastOperands(float* x, float* vector, float* y, int cols, bool multiply)
    {
        public readonly float* X = x, Vector = vector, Y = y;
        public readonly int Cols = cols;
        public readonly bool Multiply = multiply;
    }
}
