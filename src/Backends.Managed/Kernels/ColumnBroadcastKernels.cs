using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>
/// One value per row broadcast along that row: y[r, c] = x[r, c] + v[r] or x[r, c] · v[r] for x of [rows, cols],
/// v of [rows]. The work is split by elements, not rows, so both a tall [N, 1]-like matrix and one long row
/// (rows = 1: a scalar added to every element) run in parallel. The output may be x.
/// </summary>
public static unsafe class ColumnBroadcastKernels
{
    /// <summary>y[r, c] = x[r, c] + v[r].</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.ColumnBroadcast(x, v, y, rows, cols);
        Run(x, v, y, rows, cols, threads, multiply: false);
    }

    /// <summary>y[r, c] = x[r, c] · v[r].</summary>
    public static void Mul(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.ColumnBroadcast(x, v, y, rows, cols);
        Run(x, v, y, rows, cols, threads, multiply: true);
    }

    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols, int threads, bool multiply)
    {
        int n = rows * cols;
        if (n == 0) return;
        fixed (float* px = x, pv = v, py = y)
            KernelParallel.For(n, n, threads, new Operands(px, pv, py, cols, multiply), static (in Operands o, int s, int e) =>
            {
                // [s, e) may start and end mid-row: walk it one row segment at a time.
                for (int i = s; i < e;)
                {
                    int r = i / o.Cols, end = Math.Min(e, (r + 1) * o.Cols);
                    var xs = new ReadOnlySpan<float>(o.X + i, end - i);
                    var ys = new Span<float>(o.Y + i, end - i);
                    if (o.Multiply) TensorPrimitives.Multiply(xs, o.V[r], ys);
                    else TensorPrimitives.Add(xs, o.V[r], ys);
                    i = end;
                }
            });
    }

    /// <summary>The pinned x [rows, cols], v [rows] and y [rows, cols].</summary>
    private readonly struct Operands(float* x, float* v, float* y, int cols, bool multiply)
    {
        public readonly float* X = x, V = v, Y = y;
        public readonly int Cols = cols;
        public readonly bool Multiply = multiply;
    }
}
