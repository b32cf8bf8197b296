using static LlmForge.Backends.Managed.ArgumentRules;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The argument checks of every <see cref="ITensorBackend"/> kernel, one method per kernel, shared by the
/// backends so that bad input fails the same way on each: an <see cref="ArgumentException"/> whose
/// <see cref="ArgumentException.ParamName"/> is the interface's parameter name and whose message gives the
/// length found and the length needed. Buffers may be longer than their sizes require, except in
/// element-wise kernels, where every buffer must have the first input's length.
/// </summary>
public static partial class KernelChecks
{
    /// <summary>The argument checks of <see cref="ITensorBackend.Gemm"/>.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        Matrix(a.Length, transA ? k : m, transA ? m : k, lda, 1, 0, nameof(a), nameof(lda), null);
        Matrix(b.Length, transB ? n : k, transB ? k : n, ldb, 1, 0, nameof(b), nameof(ldb), null);
        Matrix(c.Length, m, n, ldc, 1, 0, nameof(c), nameof(ldc), null);
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.GemmBf16"/>.</summary>
    public static void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        Matrix(a.Length, m, k, Math.Max(1, k), 1, 0, nameof(a), nameof(k), null);
        Matrix(b.Length, n, k, Math.Max(1, k), 1, 0, nameof(b), nameof(k), null);
        Matrix(c.Length, m, n, Math.Max(1, n), 1, 0, nameof(c), nameof(n), null);
    }

    /// <summary>
    /// As <see cref="Gemm"/>, plus strides ≥ 0. Products whose C matrices overlap (strideC = 0 included) are
    /// allowed: backends apply them one after another, so with beta = 1 and strideC = 0, C accumulates the batch.
    /// </summary>
    public static void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        Span<float> c, int ldc, long strideC, int batch)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        NonNegative(batch, nameof(batch));
        Matrix(a.Length, transA ? k : m, transA ? m : k, lda, batch, strideA, nameof(a), nameof(lda), nameof(strideA));
        Matrix(b.Length, transB ? n : k, transB ? k : n, ldb, batch, strideB, nameof(b), nameof(ldb), nameof(strideB));
        Matrix(c.Length, m, n, ldc, batch, strideC, nameof(c), nameof(ldc), nameof(strideC));
    }

    /// <summary>Add and Mul: a, b and y of one length.</summary>
    public static void Binary(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        SameLength(b.Length, a.Length, nameof(b), nameof(a));
        SameLength(y.Length, a.Length, nameof(y), nameof(a));
    }

    /// <summary>Scale, Exp, Tanh, Gelu: x and y of one length.</summary>
    public static void Unary(ReadOnlySpan<float> x, Span<float> y) => SameLength(y.Length, x.Length, nameof(y), nameof(x));

    /// <summary>The argument checks of <see cref="ITensorBackend.Axpy"/>.</summary>
    public static void Axpy(ReadOnlySpan<float> x, Span<float> y) => SameLength(y.Length, x.Length, nameof(y), nameof(x));

    /// <summary>The argument checks of <see cref="ITensorBackend.TanhBackward"/>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        SameLength(dy.Length, y.Length, nameof(dy), nameof(y));
        SameLength(dx.Length, y.Length, nameof(dx), nameof(y));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.GeluBackward"/>.</summary>
    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation)
    {
        SameLength(dy.Length, x.Length, nameof(dy), nameof(x));
        SameLength(dx.Length, x.Length, nameof(dx), nameof(x));
        Approximation(approximation);
    }

    /// <summary>BiasGelu: x, y of [rows, cols], bias of [cols].</summary>
    public static void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation)
    {
        RowBroadcast(x, bias, y, rows, cols, nameof(bias));
        Approximation(approximation);
    }

    /// <summary>BiasGeluBackward: x, dy, dx of [rows, cols], bias of [cols], dbias empty or of [cols].</summary>
    public static void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dbias, int rows, int cols, GeluApproximation approximation)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(bias.Length, cols, nameof(bias), $"cols = {cols}");
        Rows(dy.Length, rows, cols, nameof(dy));
        Rows(dx.Length, rows, cols, nameof(dx));
        if (!dbias.IsEmpty) AtLeast(dbias.Length, cols, nameof(dbias), $"cols = {cols}");
        Approximation(approximation);
    }

    /// <summary>Throws unless <paramref name="approximation"/> is <see cref="GeluApproximation.Tanh"/> or <see cref="GeluApproximation.Erf"/>.</summary>
    public static void Approximation(GeluApproximation approximation)
    {
        if (approximation is not (GeluApproximation.Tanh or GeluApproximation.Erf))
            throw new ArgumentOutOfRangeException(nameof(approximation), approximation, $"Unknown GELU approximation {approximation}; valid values: Tanh, Erf.");
    }

    /// <summary>AddRowBroadcast (vector = bias) and MulRowBroadcast (vector = scale): x, y of [rows, cols], the vector of [cols].</summary>
    public static void RowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> vector, Span<float> y, int rows, int cols, string vectorName)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(vector.Length, cols, vectorName, $"cols = {cols}");
        Rows(y.Length, rows, cols, nameof(y));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.AddColumnSums"/>.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(y.Length, cols, nameof(y), $"cols = {cols}");
    }

    /// <summary>SumLastAxis and MaxLastAxis (which also needs cols ≥ 1).</summary>
    public static void LastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, bool needsColumn)
    {
        RowsCols(rows, cols);
        if (needsColumn && rows > 0) Positive(cols, nameof(cols));
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(y.Length, rows, nameof(y), $"rows = {rows}");
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.Softmax"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        Rows(y.Length, rows, cols, nameof(y));
        Mask(mask, rows, cols);
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.SoftmaxBackward"/>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(y.Length, rows, cols, nameof(y));
        Rows(dy.Length, rows, cols, nameof(dy));
        Rows(dx.Length, rows, cols, nameof(dx));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.LayerNorm"/>.</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(gamma.Length, cols, nameof(gamma), $"cols = {cols}");
        if (!beta.IsEmpty) AtLeast(beta.Length, cols, nameof(beta), $"cols = {cols} (or pass an empty beta for no bias)");
        Rows(y.Length, rows, cols, nameof(y));
        AtLeast(mean.Length, rows, nameof(mean), $"rows = {rows}");
        AtLeast(rstd.Length, rows, nameof(rstd), $"rows = {rows}");
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.LayerNormBackward"/>.</summary>
    public static void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(dy.Length, rows, cols, nameof(dy));
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(gamma.Length, cols, nameof(gamma), $"cols = {cols}");
        AtLeast(mean.Length, rows, nameof(mean), $"rows = {rows}");
        AtLeast(rstd.Length, rows, nameof(rstd), $"rows = {rows}");
        Rows(dx.Length, rows, cols, nameof(dx));
        AtLeast(dgamma.Length, cols, nameof(dgamma), $"cols = {cols}");
        if (!dbeta.IsEmpty) AtLeast(dbeta.Length, cols, nameof(dbeta), $"cols = {cols} (or pass an empty dbeta for no bias)");
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.RmsNorm"/>.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(gamma.Length, cols, nameof(gamma), $"cols = {cols}");
        Rows(y.Length, rows, cols, nameof(y));
        AtLeast(rstd.Length, rows, nameof(rstd), $"rows = {rows}");
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.RmsNormBackward"/>.</summary>
    public static void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(dy.Length, rows, cols, nameof(dy));
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(gamma.Length, cols, nameof(gamma), $"cols = {cols}");
        AtLeast(rstd.Length, rows, nameof(rstd), $"rows = {rows}");
        Rows(dx.Length, rows, cols, nameof(dx));
        AtLeast(dgamma.Length, cols, nameof(dgamma), $"cols = {cols}");
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.EmbeddingGather"/>.</summary>
    public static void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim)
    {
        NonNegative(vocab, nameof(vocab));
        NonNegative(dim, nameof(dim));
        Rows(table.Length, vocab, dim, nameof(table));
        AtLeast(y.Length, (long)ids.Length * dim, nameof(y), $"[ids = {ids.Length}, dim = {dim}]");
        Ids(ids, vocab, nameof(ids));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.EmbeddingScatterAdd"/>.</summary>
    public static void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim)
    {
        NonNegative(vocab, nameof(vocab));
        NonNegative(dim, nameof(dim));
        AtLeast(dy.Length, (long)ids.Length * dim, nameof(dy), $"[ids = {ids.Length}, dim = {dim}]");
        Rows(dtable.Length, vocab, dim, nameof(dtable));
        Ids(ids, vocab, nameof(ids));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.CrossEntropy"/>.</summary>
    public static void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex)
    {
        NonNegative(rows, nameof(rows));
        Positive(vocab, nameof(vocab));
        Rows(logits.Length, rows, vocab, nameof(logits));
        AtLeast(targets.Length, rows, nameof(targets), $"rows = {rows}");
        AtLeast(losses.Length, rows, nameof(losses), $"rows = {rows}");
        AtLeast(logSumExp.Length, rows, nameof(logSumExp), $"rows = {rows}");
        Targets(targets, rows, vocab, ignoreIndex, nameof(targets));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.CrossEntropyBackward"/>.</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp,
        Span<float> dlogits, int rows, int vocab, int ignoreIndex)
    {
        NonNegative(rows, nameof(rows));
        Positive(vocab, nameof(vocab));
        Rows(logits.Length, rows, vocab, nameof(logits));
        AtLeast(targets.Length, rows, nameof(targets), $"rows = {rows}");
        AtLeast(logSumExp.Length, rows, nameof(logSumExp), $"rows = {rows}");
        Rows(dlogits.Length, rows, vocab, nameof(dlogits));
        Targets(targets, rows, vocab, ignoreIndex, nameof(targets));
    }

    /// <summary>Lengths as <see cref="Binary"/>; hyperparameters in the ranges torch.optim.AdamW accepts.</summary>
    public static void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, float weightDecay, int step)
    {
        SameLength(grad.Length, param.Length, nameof(grad), nameof(param));
        SameLength(m.Length, param.Length, nameof(m), nameof(param));
        SameLength(v.Length, param.Length, nameof(v), nameof(param));
        if (!(lr >= 0)) throw new ArgumentOutOfRangeException(nameof(lr), lr, $"lr must be zero or positive, got {lr}.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"beta1 must be in [0, 1), got {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"beta2 must be in [0, 1), got {beta2}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be zero or positive, got {eps}.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"weightDecay must be zero or positive, got {weightDecay}.");
        Positive(step, nameof(step));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.Dropout"/>.</summary>
    public static void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p)
    {
        SameLength(y.Length, x.Length, nameof(y), nameof(x));
        SameLength(mask.Length, x.Length, nameof(mask), nameof(x));
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout probability p must be in [0, 1], got {p}.");
    }

    /// <summary>Returns the element count of <paramref name="shape"/>.</summary>
    public static long Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y)
    {
        if (shape.Length is < 1 or > PermuteKernel.MaxRank)
            throw new ArgumentException($"shape has rank {shape.Length}; Permute supports ranks 1 to {PermuteKernel.MaxRank}.", nameof(shape));
        if (perm.Length != shape.Length)
            throw new ArgumentException($"perm has {perm.Length} axes but shape has {shape.Length}.", nameof(perm));
        long count = 1;
        Span<bool> seen = stackalloc bool[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0) throw new ArgumentException($"shape[{i}] = {shape[i]} is negative.", nameof(shape));
            count *= shape[i];
            int axis = perm[i];
            if ((uint)axis >= (uint)shape.Length || seen[axis])
                throw new ArgumentException($"perm = ({string.Join(", ", perm.ToArray())}) is not a permutation of 0..{shape.Length - 1}.", nameof(perm));
            seen[axis] = true;
        }
        AtLeast(x.Length, count, nameof(x), "shape");
        AtLeast(y.Length, count, nameof(y), "shape");
        return count;
    }
}
