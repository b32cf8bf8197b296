using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>Sums and maxima: over the last axis, over rows (bias gradients), and the global Σx² for gradient clipping.</summary>
public static unsafe class ReductionKernels
{
    /// <summary>Block of elements whose Σx² is one partial sum: fixed, so the result does not depend on the thread count.</summary>
    private const int SumOfSquaresBlock = 1 << 14;

    /// <summary>Columns AddColumnSums accumulates at once, in a double buffer on the stack.</summary>
    private const int ColumnBlock = 256;

    /// <summary>y[r] = Σ_c x[r, c], summed in double.</summary>
    public static void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.LastAxis(x, y, rows, cols, needsColumn: false);
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(rows, (long)rows * cols, threads, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++) yp[r] = (float)WideSums.Sum(new ReadOnlySpan<float>(xp + (long)r * cols, cols));
            });
        }
    }

    /// <summary>y[r] = max_c x[r, c] (NaN if the row holds a NaN).</summary>
    public static void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.LastAxis(x, y, rows, cols, needsColumn: true);
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(rows, (long)rows * cols, threads, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++) yp[r] = TensorPrimitives.Max(new ReadOnlySpan<float>(xp + (long)r * cols, cols));
            });
        }
    }

    /// <summary>
    /// y[c] += Σ_r x[r, c]. Threads split the columns, so no two write the same y[c]; each column sum is
    /// accumulated in double (bias gradients sum thousands of rows) and added to y[c] once.
    /// </summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.AddColumnSums(x, y, rows, cols);
        int blocks = (cols + ColumnBlock - 1) / ColumnBlock;
        fixed (float* px = x, py = y)
        {
            float* xp = px, yp = py;
            KernelParallel.For(blocks, (long)rows * cols, threads, (b0, b1) =>
            {
                Span<double> sums = stackalloc double[ColumnBlock];
                for (int block = b0; block < b1; block++)
                {
                    int c0 = block * ColumnBlock, width = Math.Min(ColumnBlock, cols - c0);
                    var acc = sums[..width];
                    acc.Clear();
                    for (int r = 0; r < rows; r++) WideSums.Accumulate(new ReadOnlySpan<float>(xp + (long)r * cols + c0, width), acc);
                    for (int j = 0; j < width; j++) yp[c0 + j] = (float)(yp[c0 + j] + acc[j]);
                }
            });
        }
    }

    /// <summary>Σ x² in double: fixed blocks summed in order, so the value is the same for every thread count.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x, int threads)
    {
        int blocks = (x.Length + SumOfSquaresBlock - 1) / SumOfSquaresBlock;
        if (blocks == 0) return 0;
        var partial = new double[blocks];
        fixed (float* px = x)
        {
            float* xp = px;
            int n = x.Length;
            KernelParallel.For(blocks, n, threads, (b0, b1) =>
            {
                for (int b = b0; b < b1; b++)
                {
                    int start = b * SumOfSquaresBlock;
                    partial[b] = WideSums.SumOfSquares(new ReadOnlySpan<float>(xp + start, Math.Min(SumOfSquaresBlock, n - start)));
                }
            });
        }
        double total = 0;
        foreach (double p in partial) total += p;
        return total;
    }
}
