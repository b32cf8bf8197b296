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
            var args = new Args { Logits = px, Targets = pt, Losses = pl, LogSumExp = plse, Vocab = vocab, IgnoreIndex = ignoreIndex };
            KernelParallel.For(rows, 4L * rows * vocab, threads, args, static (in Args a, int r0, int r1) =>
            {
                int vocab = a.Vocab;
                for (int r = r0; r < r1; r++)
                {
                    int t = a.Targets[r];
                    if (t == a.IgnoreIndex)
                    {
                        a.Losses[r] = 0;
                        a.LogSumExp[r] = 0;
                        continue;
                    }
                    var row = new ReadOnlySpan<float>(a.Logits + (long)r * vocab, vocab);
                    float max = TensorPrimitives.Max(row);
                    double lse = max + Math.Log(SumExpShifted(row, max));
                    a.Losses[r] = (float)(lse - row[t]);
                    a.LogSumExp[r] = (float)lse;
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
            var args = new Args { Logits = px, Targets = pt, LogSumExp = plse, DLogits = pd, GradScale = gradScale, Vocab = vocab, IgnoreIndex = ignoreIndex };
            KernelParallel.For(rows, 4L * rows * vocab, threads, args, static (in Args a, int r0, int r1) =>
            {
                int vocab = a.Vocab;
                for (int r = r0; r < r1; r++)
                {
                    int t = a.Targets[r];
                    if (t == a.IgnoreIndex) continue;
                    var drow = new Span<float>(a.DLogits + (long)r * vocab, vocab);
                    AddScaledSoftmax(new ReadOnlySpan<float>(a.Logits + (long)r * vocab, vocab), a.LogSumExp[r], a.GradScale, drow);
                    drow[t] -= a.GradScale;
                }
            });
        }
    }

    /// <summary>The pinned buffers and sizes of a forward (Losses) or backward (DLogits, GradScale) pass, for the row chunks.</summary>
    private readonly struct Args
    {
        public float* Logits { get; init; }
        public int* Targets { get; init; }
        public float* Losses { get; init; }
        public float* LogSumExp { get; init; }
        public float* DLogits { get; init; }
        public float GradScale { get; init; }
        public int Vocab { get; init; }
        public int IgnoreIndex { get; init; }
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
