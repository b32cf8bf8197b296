using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>Fused log-softmax + negative log-likelihood over logits [rows, vocab], forward and backward, parallel over rows.</summary>
public static unsafe class CrossEntropyKernels
{
    /// <summary>
    /// losses[r] = logsumexp(logits[r]) − logits[r, targets[r]] and logSumExp[r] saved for the backward pass;
    /// rows whose target is <paramref name="ignoreIndex"/> get loss 0 and logSumExp 0. Σ exp(x − max) is
    /// accumulated in double (a 50257-wide row adds tens of thousands of terms), the loss formed in double.
    /// </summary>
    public static void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex, int threads)
    {
        KernelChecks.CrossEntropy(logits, targets, losses, logSumExp, rows, vocab, ignoreIndex);
        fixed (float* px = logits, pl = losses, plse = logSumExp)
        fixed (int* pt = targets)
        {
            float* xp = px, lp = pl, lsep = plse;
            int* tp = pt;
            KernelParallel.For(rows, 4L * rows * vocab, threads, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    int t = tp[r];
                    if (t == ignoreIndex)
                    {
                        lp[r] = 0;
                        lsep[r] = 0;
                        continue;
                    }
                    var row = new ReadOnlySpan<float>(xp + (long)r * vocab, vocab);
                    float max = TensorPrimitives.Max(row);
                    double lse = max + Math.Log(SumExpShifted(row, max));
                    lp[r] = (float)(lse - row[t]);
                    lsep[r] = (float)lse;
                }
            });
        }
    }

    /// <summary>dlogits[r] += gradScale · (softmax(logits[r]) − onehot(targets[r])) for rows not ignored, softmax = exp(x − logSumExp).</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp,
        Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex, int threads)
    {
        KernelChecks.CrossEntropyBackward(logits, targets, logSumExp, dlogits, rows, vocab, ignoreIndex);
        fixed (float* px = logits, plse = logSumExp, pd = dlogits)
        fixed (int* pt = targets)
        {
            float* xp = px, lsep = plse, dp = pd;
            int* tp = pt;
            KernelParallel.For(rows, 4L * rows * vocab, threads, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    int t = tp[r];
                    if (t == ignoreIndex) continue;
                    var drow = new Span<float>(dp + (long)r * vocab, vocab);
                    AddScaledSoftmax(new ReadOnlySpan<float>(xp + (long)r * vocab, vocab), lsep[r], gradScale, drow);
                    drow[t] -= gradScale;
                }
            });
        }
    }

    /// <summary>Σ exp(x − max) in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumExpShifted(ReadOnlySpan<float> x, float max)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(max);
            var acc = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Exp(Vector512.Create(x.Slice(i)) - m));
                acc += lo + hi;
            }
            sum = Vector512.Sum(acc);
        }
        for (; i < x.Length; i++) sum += MathF.Exp(x[i] - max);
        return sum;
    }

    /// <summary>d += scale · exp(x − lse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaledSoftmax(ReadOnlySpan<float> x, float lse, float scale, Span<float> d)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var l = Vector512.Create(lse);
            var s = Vector512.Create(scale);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var p = Vector512.Exp(Vector512.Create(x.Slice(i)) - l);
                Vector512.FusedMultiplyAdd(p, s, Vector512.Create(d.Slice(i))).CopyTo(d.Slice(i));
            }
        }
        for (; i < x.Length; i++) d[i] = MathF.FusedMultiplyAdd(MathF.Exp(x[i] - lse), scale, d[i]);
    }
}
