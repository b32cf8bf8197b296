using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The bias add and GELU of a feed-forward layer's first linear, fused: one pass over the [rows, cols] GEMM output
/// instead of AddRowBroadcast then Gelu (forward), GeluBackward then AddColumnSums (backward). The pre-activation
/// h = x + bias is formed in float exactly as AddRowBroadcast forms it, and GELU / GELU' are evaluated in double
/// as <see cref="ActivationKernels"/> does, so the fused and unfused paths agree to float rounding.
/// </summary>
public static unsafe class BiasGeluKernels
{
    /// <summary>Relative cost of one element (an exp and a few dozen flops in double) against a plain copy.</summary>
    private const int WorkPerElement = 16;

    /// <summary>Columns the backward pass handles at once: the double column sums of a block live on the stack.</summary>
    private const int ColumnBlock = 256;

    /// <summary>y[r, c] = GELU(x[r, c] + bias[c]); parallel over rows.</summary>
    public static void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation, int threads)
    {
        KernelChecks.BiasGelu(x, bias, y, rows, cols, approximation);
        if (approximation == GeluApproximation.Tanh) Forward<GeluTanhFunction>(x, bias, y, rows, cols, threads);
        else Forward<GeluErfFunction>(x, bias, y, rows, cols, threads);
    }

    /// <summary>
    /// g = dy ⊙ GELU'(x + bias); dx += g; dbias[c] += Σ_r g[r, c] (skipped when dbias is empty). Threads split the
    /// columns, so no two write the same dbias[c] and each column sum is accumulated in double, rows in order: the
    /// result does not depend on the thread count.
    /// </summary>
    public static void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dbias, int rows, int cols, GeluApproximation approximation, int threads)
    {
        KernelChecks.BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, approximation);
        if (approximation == GeluApproximation.Tanh) Backward<GeluTanhDerivative>(x, bias, dy, dx, dbias, rows, cols, threads);
        else Backward<GeluErfDerivative>(x, bias, dy, dx, dbias, rows, cols, threads);
    }

    private static void Forward<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols, int threads)
        where TF : IDoubleFunction
    {
        fixed (float* px = x, pb = bias, py = y)
        {
            var args = new Args { X = px, Bias = pb, Y = py, Rows = rows, Cols = cols };
            KernelParallel.For(rows, (long)rows * cols * WorkPerElement, threads, args, static (in Args a, int r0, int r1) =>
            {
                int cols = a.Cols;
                var b = new ReadOnlySpan<float>(a.Bias, cols);
                for (int r = r0; r < r1; r++)
                {
                    long offset = (long)r * cols;
                    MapShifted<TF>(new ReadOnlySpan<float>(a.X + offset, cols), b, new Span<float>(a.Y + offset, cols));
                }
            });
        }
    }

    private static void Backward<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dbias, int rows, int cols, int threads) where TF : IDoubleFunction
    {
        int blocks = (cols + ColumnBlock - 1) / ColumnBlock;
        fixed (float* px = x, pb = bias, pdy = dy, pdx = dx, pdb = dbias)
        {
            var args = new Args { X = px, Bias = pb, DY = pdy, DX = pdx, DBias = dbias.IsEmpty ? null : pdb, Rows = rows, Cols = cols };
            KernelParallel.For(blocks, (long)rows * cols * WorkPerElement, threads, args, static (in Args a, int b0, int b1) =>
            {
                int rows = a.Rows, cols = a.Cols;
                Span<double> sums = stackalloc double[ColumnBlock];
                for (int block = b0; block < b1; block++)
                {
                    int c0 = block * ColumnBlock, width = Math.Min(ColumnBlock, cols - c0);
                    var acc = sums[..width];
                    acc.Clear();
                    var b = new ReadOnlySpan<float>(a.Bias + c0, width);
                    for (int r = 0; r < rows; r++)
                    {
                        long offset = (long)r * cols + c0;
                        BackwardRange<TF>(new ReadOnlySpan<float>(a.X + offset, width), b, new ReadOnlySpan<float>(a.DY + offset, width),
                            new Span<float>(a.DX + offset, width), acc);
                    }
                    if (a.DBias != null)
                        for (int j = 0; j < width; j++) a.DBias[c0 + j] = (float)(a.DBias[c0 + j] + acc[j]);
                }
            });
        }
    }

    /// <summary>
    /// The pinned buffers and sizes, for the chunks: x, bias and y forward; x, bias, dy, dx and dbias (null when not
    /// summed) backward.
    /// </summary>
    private readonly struct Args
    {
        public float* X { get; init; }
        public float* Bias { get; init; }
        public float* Y { get; init; }
        public float* DY { get; init; }
        public float* DX { get; init; }
        public float* DBias { get; init; }
        public int Rows { get; init; }
        public int Cols { get; init; }
    }

    /// <summary>
    /// One row's block, in registers: g = (float)(dy · f(x + shift)) with f in double; dx += g; acc += g in double
    /// (the rounded g, as AddColumnSums would sum the unfused gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRange<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, ReadOnlySpan<float> dy, Span<float> dx,
        Span<double> acc) where TF : IDoubleFunction
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= x.Length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(j)) + Vector512.Create(shift.Slice(j)));
                var (dyLo, dyHi) = Vector512.Widen(Vector512.Create(dy.Slice(j)));
                var g = Vector512.Narrow(dyLo * TF.Invoke(lo), dyHi * TF.Invoke(hi));
                (Vector512.Create(dx.Slice(j)) + g).CopyTo(dx.Slice(j));
                var (gLo, gHi) = Vector512.Widen(g);
                var accLo = acc.Slice(j);
                var accHi = acc.Slice(j + Vector512<double>.Count);
                (Vector512.Create((ReadOnlySpan<double>)accLo) + gLo).CopyTo(accLo);
                (Vector512.Create((ReadOnlySpan<double>)accHi) + gHi).CopyTo(accHi);
            }
        }
        for (; j < x.Length; j++)
        {
            float g = (float)(dy[j] * TF.Invoke(x[j] + shift[j]));
            dx[j] += g;
            acc[j] += g;
        }
    }

    /// <summary>y[j] = f(x[j] + shift[j]), x + shift in float, f in double, rounded once; 16 floats at a time, widened to two 8-lane doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapShifted<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y) where TF : IDoubleFunction
    {
        if (typeof(TF) == typeof(GeluErfFunction) && Vector512.IsHardwareAccelerated)
        {
            GeluErfFloat.Map(x, shift, y); // the erf GELU's forward in float (see GeluErfFloat)
            return;
        }
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= x.Length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(j)) + Vector512.Create(shift.Slice(j))); // the pre-activation, in float
                Vector512.Narrow(TF.Invoke(lo), TF.Invoke(hi)).CopyTo(y.Slice(j));
            }
        }
        for (; j < x.Length; j++) y[j] = (float)TF.Invoke(x[j] + shift[j]);
    }
}
