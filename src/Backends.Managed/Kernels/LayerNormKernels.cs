using System.Buffers;
using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>LayerNorm over the last axis (biased variance, as torch.nn.LayerNorm), forward and backward, parallel over rows.</summary>
public static unsafe class LayerNormKernels
{
    /// <summary>
    /// y = (x − mean) · rstd · gamma + beta per row of x [rows, cols], rstd = 1/√(var + eps); saves mean [rows]
    /// and rstd [rows]. The mean is summed in double and the variance is two-pass, Σ(x − mean)²/cols, so rows
    /// far from zero mean keep their precision. beta may be empty.
    /// </summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps, int threads)
    {
        KernelChecks.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols);
        bool hasBeta = !beta.IsEmpty;
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pr = rstd)
        {
            var args = new NormArgs { X = px, Gamma = pg, Beta = hasBeta ? pb : null, Y = py, Mean = pm, Rstd = pr, Cols = cols, Eps = eps };
            KernelParallel.For(rows, 4L * rows * cols, threads, args, static (in NormArgs a, int r0, int r1) =>
            {
                int cols = a.Cols;
                bool hasBeta = a.Beta != null;
                var g = new ReadOnlySpan<float>(a.Gamma, cols);
                var b = hasBeta ? new ReadOnlySpan<float>(a.Beta, cols) : default;
                for (int r = r0; r < r1; r++)
                {
                    var xr = new ReadOnlySpan<float>(a.X + (long)r * cols, cols);
                    var yr = new Span<float>(a.Y + (long)r * cols, cols);
                    float mu = (float)(WideSums.Sum(xr) / cols);
                    TensorPrimitives.Subtract(xr, mu, yr);                      // y = x − mean (y may be x)
                    float variance = TensorPrimitives.SumOfSquares(yr) / cols;
                    float s = 1f / MathF.Sqrt(variance + a.Eps);
                    TensorPrimitives.Multiply(yr, s, yr);
                    if (hasBeta) TensorPrimitives.FusedMultiplyAdd(yr, g, b, yr);
                    else TensorPrimitives.Multiply(yr, g, yr);
                    a.Mean[r] = mu;
                    a.Rstd[r] = s;
                }
            });
        }
    }

    /// <summary>
    /// With n = (x − mean)·rstd and dn = dy ⊙ gamma (llm.c's layernorm_backward):
    /// dx += rstd · (dn − mean(dn) − n · mean(dn ⊙ n)), dgamma += Σ_rows dy ⊙ n, dbeta += Σ_rows dy (dbeta may be empty).
    /// Row chunks accumulate dgamma/dbeta into their own partial buffers, added in chunk order at the end.
    /// </summary>
    public static void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
        int rows, int cols, int threads)
    {
        KernelChecks.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
        bool hasBeta = !dbeta.IsEmpty;
        int chunks = KernelParallel.ChunkCount(rows, 8L * rows * cols, threads);
        fixed (float* pdy = dy, px = x, pg = gamma, pm = mean, pr = rstd, pdx = dx, pdg = dgamma, pdb = dbeta)
        {
            using var partials = new PartialSums(chunks, hasBeta ? 2 : 1, cols);
            var args = new NormBackwardArgs
            {
                DY = pdy, X = px, Gamma = pg, Mean = pm, Rstd = pr, DX = pdx, DGamma = pdg, DBeta = hasBeta ? pdb : null,
                Cols = cols, Partials = partials,
            };
            KernelParallel.ForChunks(rows, chunks, threads, args, static (in NormBackwardArgs a, int chunk, int r0, int r1) =>
            {
                int cols = a.Cols;
                bool hasBeta = a.DBeta != null;
                var dgammaAcc = a.Partials.Target(chunk, 0, a.DGamma);
                var dbetaAcc = hasBeta ? a.Partials.Target(chunk, 1, a.DBeta) : default;
                var scratch = ArrayPool<float>.Shared.Rent(2 * cols);
                var norm = scratch.AsSpan(0, cols);
                var dnorm = scratch.AsSpan(cols, cols);
                var g = new ReadOnlySpan<float>(a.Gamma, cols);
                for (int r = r0; r < r1; r++)
                {
                    var dyr = new ReadOnlySpan<float>(a.DY + (long)r * cols, cols);
                    var xr = new ReadOnlySpan<float>(a.X + (long)r * cols, cols);
                    var dxr = new Span<float>(a.DX + (long)r * cols, cols);
                    float s = a.Rstd[r];
                    TensorPrimitives.Subtract(xr, a.Mean[r], norm);
                    TensorPrimitives.Multiply(norm, s, norm);                      // n
                    TensorPrimitives.Multiply(dyr, g, dnorm);                      // dn
                    float dnormMean = TensorPrimitives.Sum(dnorm) / cols;
                    float dnormNormMean = TensorPrimitives.Dot(dnorm, norm) / cols;
                    TensorPrimitives.FusedMultiplyAdd(dyr, norm, dgammaAcc, dgammaAcc);
                    if (hasBeta) TensorPrimitives.Add(dbetaAcc, dyr, dbetaAcc);
                    TensorPrimitives.Subtract(dnorm, dnormMean, dnorm);
                    TensorPrimitives.FusedMultiplyAdd(norm, -dnormNormMean, dnorm, dnorm);
                    TensorPrimitives.MultiplyAdd(dnorm, s, dxr, dxr);
                }
                ArrayPool<float>.Shared.Return(scratch);
            });
            partials.AddInto(0, new Span<float>(pdg, cols));
            if (hasBeta) partials.AddInto(1, new Span<float>(pdb, cols));
        }
    }
}
