using System.Buffers;
using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>RMSNorm over the last axis (LLaMA's), forward and backward, parallel over rows.</summary>
public static unsafe class RmsNormKernels
{
    /// <summary>y = x · rstd · gamma per row of x [rows, cols], rstd = 1/√(mean(x²) + eps); saves rstd [rows].</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd,
        int rows, int cols, float eps, int threads)
    {
        KernelChecks.RmsNorm(x, gamma, y, rstd, rows, cols);
        fixed (float* px = x, pg = gamma, py = y, pr = rstd)
        {
            var args = new NormArgs { X = px, Gamma = pg, Y = py, Rstd = pr, Cols = cols, Eps = eps };
            KernelParallel.For(rows, 3L * rows * cols, threads, args, static (in NormArgs a, int r0, int r1) =>
            {
                int cols = a.Cols;
                var g = new ReadOnlySpan<float>(a.Gamma, cols);
                for (int r = r0; r < r1; r++)
                {
                    var xr = new ReadOnlySpan<float>(a.X + (long)r * cols, cols);
                    var yr = new Span<float>(a.Y + (long)r * cols, cols);
                    float s = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / cols + a.Eps);
                    TensorPrimitives.Multiply(xr, s, yr);
                    TensorPrimitives.Multiply(yr, g, yr);
                    a.Rstd[r] = s;
                }
            });
        }
    }

    /// <summary>
    /// With n = x·rstd and dn = dy ⊙ gamma: dx += rstd · (dn − n · mean(dn ⊙ n)), dgamma += Σ_rows dy ⊙ n.
    /// </summary>
    public static void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols, int threads)
    {
        KernelChecks.RmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols);
        int chunks = KernelParallel.ChunkCount(rows, 6L * rows * cols, threads);
        fixed (float* pdy = dy, px = x, pg = gamma, pr = rstd, pdx = dx, pdg = dgamma)
        {
            using var partials = new PartialSums(chunks, 1, cols);
            var args = new NormBackwardArgs { DY = pdy, X = px, Gamma = pg, Rstd = pr, DX = pdx, DGamma = pdg, Cols = cols, Partials = partials };
            KernelParallel.ForChunks(rows, chunks, threads, args, static (in NormBackwardArgs a, int chunk, int r0, int r1) =>
            {
                int cols = a.Cols;
                var dgammaAcc = a.Partials.Target(chunk, 0, a.DGamma);
                var scratch = ArrayPool<float>.Shared.Rent(2 * cols);
                var norm = scratch.AsSpan(0, cols);
                var dnorm = scratch.AsSpan(cols, cols);
                var g = new ReadOnlySpan<float>(a.Gamma, cols);
                for (int r = r0; r < r1; r++)
                {
                    var dyr = new ReadOnlySpan<float>(a.DY + (long)r * cols, cols);
                    var dxr = new Span<float>(a.DX + (long)r * cols, cols);
                    float s = a.Rstd[r];
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(a.X + (long)r * cols, cols), s, norm);  // n
                    TensorPrimitives.Multiply(dyr, g, dnorm);                                                   // dn
                    float dnormNormMean = TensorPrimitives.Dot(dnorm, norm) / cols;
                    TensorPrimitives.FusedMultiplyAdd(dyr, norm, dgammaAcc, dgammaAcc);
                    TensorPrimitives.FusedMultiplyAdd(norm, -dnormNormMean, dnorm, dnorm);
                    TensorPrimitives.MultiplyAdd(dnorm, s, dxr, dxr);
                }
                ArrayPool<float>.Shared.Return(scratch);
            });
            partials.AddInto(0, new Span<float>(pdg, cols));
        }
    }
}
