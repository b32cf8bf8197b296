using System.Buffers;
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
            KernelParallel.For(rows, (long)rows * cols, threads, new Operands(px, py, rows, cols), static (in Operands o, int r0, int r1) =>
            {
                for (int r = r0; r < r1; r++) o.Y[r] = (float)WideSums.Sum(new ReadOnlySpan<float>(o.X + (long)r * o.Cols, o.Cols));
            });
    }

    /// <summary>y[r] = max_c x[r, c] (NaN if the row holds a NaN).</summary>
    public static void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, int threads)
    {
        KernelChecks.LastAxis(x, y, rows, cols, needsColumn: true);
        fixed (float* px = x, py = y)
            KernelParallel.For(rows, (long)rows * cols, threads, new Operands(px, py, rows, cols), static (in Operands o, int r0, int r1) =>
            {
                for (int r = r0; r < r1; r++) o.Y[r] = TensorPrimitives.Max(new ReadOnlySpan<float>(o.X + (long)r * o.Cols, o.Cols));
            });
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
            KernelParallel.For(blocks, (long)rows * cols, threads, new Operands(px, py, rows, cols), static (in Operands o, int b0, int b1) =>
            {
                int rows = o.Rows, cols = o.Cols;
                Span<double> sums = stackalloc double[ColumnBlock];
                for (int block = b0; block < b1; block++)
                {
                    int c0 = block * ColumnBlock, width = Math.Min(ColumnBlock, cols - c0);
                    var acc = sums[..width];
                    acc.Clear();
                    for (int r = 0; r < rows; r++) WideSums.Accumulate(new ReadOnlySpan<float>(o.X + (long)r * cols + c0, width), acc);
                    for (int j = 0; j < width; j++) o.Y[c0 + j] = (float)(o.Y[c0 + j] + acc[j]);
                }
            });
    }

    /// <summary>Σ x² in double: fixed blocks summed in order, so the value is the same for every thread count.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x, int threads)
    {
        int blocks = (x.Length + SumOfSquaresBlock - 1) / SumOfSquaresBlock;
        if (blocks == 0) return 0;
        var partial = ArrayPool<double>.Shared.Rent(blocks); // rented: a clipped training step calls this every time
        try
        {
            fixed (float* px = x)
            fixed (double* pp = partial)
                KernelParallel.For(blocks, x.Length, threads, new SquaresOperands(px, x.Length, pp), static (in SquaresOperands o, int b0, int b1) =>
                {
                    for (int b = b0; b < b1; b++)
                    {
                        int start = b * SumOfSquaresBlock;
                        o.Partial[b] = WideSums.SumOfSquares(new ReadOnlySpan<float>(o.X + start, Math.Min(SumOfSquaresBlock, o.Length - start)));
                    }
                });
            double total = 0;
            for (int b = 0; b < blocks; b++) total += partial[b];
            return total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>A row or column reduction's pinned x [rows, cols] and output.</summary>
    private readonly struct Operands(float* x, float* y, int rows, int cols)
    {
        public readonly float* X = x, Y = y;
        public readonly int Rows = rows, Cols = cols;
    }

    /// <summary>SumOfSquares' pinned x and the partial sum of each block.</summary>
    private readonly struct SquaresOperands(float* x, int length, double* partial)
    {
        public readonly float* X = x;
        public readonly int Length = length;
        public readonly double* Partial = partial;
    }
}
