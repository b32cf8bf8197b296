using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>Masked softmax over the last axis and its backward pass, parallel over rows.</summary>
public static unsafe class SoftmaxKernels
{
    /// <summary>
    /// y = softmax(x) per row of [rows, cols] under <paramref name="mask"/>: masked entries are exactly 0, and a
    /// row with no visible entry (or whose visible entries are all −∞) is all zeros. y may be x.
    /// </summary>
    /// <remarks>
    /// Causal and window masks leave one contiguous run of visible keys [lo, hi) per row, so those rows are
    /// plain vectorized softmaxes over a sub-span; a padding mask is applied per element on top.
    /// </remarks>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask, int threads)
    {
        KernelChecks.Softmax(x, y, rows, cols, mask);
        // The mask is a ref struct: copy its fields into a plain struct the row chunks can read.
        var shape = new MaskShape(mask.Causal, mask.Window, mask.QueryLength, mask.QueryOffset, mask.RowsPerBatch, !mask.KeyValid.IsEmpty);
        fixed (float* px = x, py = y)
        fixed (byte* pv = mask.KeyValid)
            KernelParallel.For(rows, 4L * rows * cols, threads, new ForwardOperands(px, py, pv, cols, shape), static (in ForwardOperands o, int r0, int r1) =>
            {
                int cols = o.Cols;
                for (int r = r0; r < r1; r++)
                {
                    ReadOnlySpan<byte> keyValid = o.Mask.HasPadding
                        ? new ReadOnlySpan<byte>(o.KeyValid + (long)(r / o.Mask.RowsPerBatch) * cols, cols)
                        : default;
                    SoftmaxRow(new ReadOnlySpan<float>(o.X + (long)r * cols, cols), new Span<float>(o.Y + (long)r * cols, cols), r, o.Mask, keyValid);
                }
            });
    }

    /// <summary>dx += y ⊙ (dy − Σ_c dy ⊙ y) per row; masked entries (y = 0) get nothing.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols, int threads)
    {
        KernelChecks.SoftmaxBackward(y, dy, dx, rows, cols);
        fixed (float* py = y, pdy = dy, pdx = dx)
            KernelParallel.For(rows, 3L * rows * cols, threads, new BackwardOperands(py, pdy, pdx, cols), static (in BackwardOperands o, int r0, int r1) =>
            {
                int cols = o.Cols;
                for (int r = r0; r < r1; r++)
                {
                    long offset = (long)r * cols;
                    BackwardRow(new ReadOnlySpan<float>(o.Y + offset, cols), new ReadOnlySpan<float>(o.DY + offset, cols), new Span<float>(o.DX + offset, cols));
                }
            });
    }

    private readonly record struct MaskShape(bool Causal, int Window, int QueryLength, int QueryOffset, int RowsPerBatch, bool HasPadding);

    /// <summary>Softmax's pinned x and y [rows, cols], the padding mask [batch, cols] (null without one) and the mask's geometry.</summary>
    private readonly struct ForwardOperands(float* x, float* y, byte* keyValid, int cols, MaskShape mask)
    {
        public readonly float* X = x, Y = y;
        public readonly byte* KeyValid = keyValid;
        public readonly int Cols = cols;
        public readonly MaskShape Mask = mask;
    }

    /// <summary>SoftmaxBackward's pinned y, dy and dx [rows, cols].</summary>
    private readonly struct BackwardOperands(float* y, float* dy, float* dx, int cols)
    {
        public readonly float* Y = y, DY = dy, DX = dx;
        public readonly int Cols = cols;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y, int row, in MaskShape mask, ReadOnlySpan<byte> keyValid)
    {
        int cols = x.Length, lo = 0, hi = cols;
        if (mask.Causal || mask.Window > 0)
        {
            long p = mask.QueryOffset + (long)(row % mask.QueryLength);   // absolute position of this query
            if (mask.Causal) hi = (int)Math.Min(cols, p + 1);
            if (mask.Window > 0) lo = (int)Math.Clamp(p - mask.Window + 1, 0, cols);
        }
        if (hi <= lo)
        {
            y.Clear();
            return;
        }

        var xs = x[lo..hi];
        float max = keyValid.IsEmpty ? TensorPrimitives.Max(xs) : MaskedMax(xs, keyValid[lo..hi]);
        if (float.IsNegativeInfinity(max))
        {
            y.Clear();   // every visible score is masked or −∞: no distribution to form
            return;
        }
        // Zero the masked ends after reading x's run (y may be x).
        var ys = y[lo..hi];
        TensorPrimitives.Subtract(xs, max, ys);
        TensorPrimitives.Exp(ys, ys);
        if (!keyValid.IsEmpty)
        {
            var valid = keyValid[lo..hi];
            for (int j = 0; j < ys.Length; j++)
                if (valid[j] == 0) ys[j] = 0;
        }
        float sum = TensorPrimitives.Sum(ys);
        TensorPrimitives.Divide(ys, sum, ys);
        y[..lo].Clear();
        y[hi..].Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float MaskedMax(ReadOnlySpan<float> x, ReadOnlySpan<byte> valid)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < x.Length; j++)
        {
            if (valid[j] != 0 && (x[j] > max || float.IsNaN(x[j]))) max = x[j];
        }
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float dot = TensorPrimitives.Dot(dy, y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var dotv = Vector512.Create(dot);
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var yv = Vector512.Create(y.Slice(i));
                Vector512.FusedMultiplyAdd(yv, Vector512.Create(dy.Slice(i)) - dotv, Vector512.Create(dx.Slice(i))).CopyTo(dx.Slice(i));
            }
        }
        for (; i < y.Length; i++) dx[i] = MathF.FusedMultiplyAdd(y[i], dy[i] - dot, dx[i]);
    }
}
