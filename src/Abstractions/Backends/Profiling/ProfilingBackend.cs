using System.Diagnostics;

namespace LlmForge.Backends.Profiling;

/// <summary>
/// A decorator that times every kernel: each call runs the wrapped backend's kernel unchanged (same buffers, same
/// result to the bit) and adds its calls, wall-clock time and, for the GEMM family, its FLOPs (2·m·n·k per product)
/// to <see cref="Profile"/>. Build the model on it to see where a step's time goes:
/// <code>
/// var profiled = new ProfilingBackend(new ManagedBackend());
/// var model = new GptModel(config, profiled);   // every kernel the model runs now goes through the decorator
/// </code>
/// Only calls made through the decorator count: a kernel that calls another kernel of its own backend inside is
/// timed once, as itself. The overhead is two timestamps and three interlocked adds per call.
/// </summary>
public sealed class ProfilingBackend(ITensorBackend inner) : ITensorBackend
{
    private readonly ITensorBackend inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>What has been recorded so far.</summary>
    public KernelProfile Profile { get; } = new();

    /// <summary>The backend that computes.</summary>
    public ITensorBackend Inner => inner;

    /// <summary>The wrapped backend's name: results and configuration do not change under the profiler.</summary>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public int Threads
    {
        get => inner.Threads;
        set => inner.Threads = value;
    }

    private KernelTimer Time(TensorKernel kernel, long flops = 0) => new(Profile, kernel, flops);

    /// <summary>Times one call from its creation to its disposal.</summary>
    private readonly ref struct KernelTimer(KernelProfile profile, TensorKernel kernel, long flops)
    {
        private readonly long start = Stopwatch.GetTimestamp();

        public void Dispose() => profile.Record(kernel, start, flops);
    }

    /// <inheritdoc/>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        using (Time(TensorKernel.Gemm, 2L * m * n * k))
            inner.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <inheritdoc/>
    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a,
        int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB, float beta, Span<float> c, int ldc,
        long strideC, int batch)
    {
        using (Time(TensorKernel.GemmStridedBatched, 2L * m * n * k * batch))
            inner.GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc,
                strideC, batch);
    }

    /// <inheritdoc/>
    public void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c)
    {
        using (Time(TensorKernel.GemmBf16, 2L * m * n * k))
            inner.GemmBf16(m, n, k, a, b, c);
    }

    /// <inheritdoc/>
    public void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c)
    {
        using (Time(TensorKernel.GemmQ8, 2L * m * n * k))
            inner.GemmQ8(m, n, k, a, quants, scales, c);
    }

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        using (Time(TensorKernel.Add))
            inner.Add(a, b, y);
    }

    /// <inheritdoc/>
    public void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        using (Time(TensorKernel.Mul))
            inner.Mul(a, b, y);
    }

    /// <inheritdoc/>
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        using (Time(TensorKernel.Scale))
            inner.Scale(x, alpha, y);
    }

    /// <inheritdoc/>
    public void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        using (Time(TensorKernel.Axpy))
            inner.Axpy(alpha, x, y);
    }

    /// <inheritdoc/>
    public void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.AddRowBroadcast))
            inner.AddRowBroadcast(x, bias, y, rows, cols);
    }

    /// <inheritdoc/>
    public void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.MulRowBroadcast))
            inner.MulRowBroadcast(x, scale, y, rows, cols);
    }

    /// <inheritdoc/>
    public void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.AddColumnSums))
            inner.AddColumnSums(x, y, rows, cols);
    }

    /// <inheritdoc/>
    public void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        using (Time(TensorKernel.Exp))
            inner.Exp(x, y);
    }

    /// <inheritdoc/>
    public void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        using (Time(TensorKernel.Tanh))
            inner.Tanh(x, y);
    }

    /// <inheritdoc/>
    public void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        using (Time(TensorKernel.TanhBackward))
            inner.TanhBackward(y, dy, dx);
    }

    /// <inheritdoc/>
    public void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation)
    {
        using (Time(TensorKernel.Gelu))
            inner.Gelu(x, y, approximation);
    }

    /// <inheritdoc/>
    public void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        GeluApproximation approximation)
    {
        using (Time(TensorKernel.GeluBackward))
            inner.GeluBackward(x, dy, dx, approximation);
    }

    /// <inheritdoc/>
    public void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation)
    {
        using (Time(TensorKernel.BiasGelu))
            inner.BiasGelu(x, bias, y, rows, cols, approximation);
    }

    /// <inheritdoc/>
    public void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dbias, int rows, int cols, GeluApproximation approximation)
    {
        using (Time(TensorKernel.BiasGeluBackward))
            inner.BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, approximation);
    }

    /// <inheritdoc/>
    public void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y,
        GateActivation activation)
    {
        using (Time(TensorKernel.GatedActivation))
            inner.GatedActivation(gate, up, y, activation);
    }

    /// <inheritdoc/>
    public void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation)
    {
        using (Time(TensorKernel.GatedActivationBackward))
            inner.GatedActivationBackward(gate, up, dy, dgate, dup, activation);
    }

    /// <inheritdoc/>
    public void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        using (Time(TensorKernel.Map))
            inner.Map(op, x, y);
    }

    /// <inheritdoc/>
    public void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        using (Time(TensorKernel.MapBackward))
            inner.MapBackward(op, x, dy, dx);
    }

    /// <inheritdoc/>
    public void AddColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.AddColumnBroadcast))
            inner.AddColumnBroadcast(x, v, y, rows, cols);
    }

    /// <inheritdoc/>
    public void MulColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.MulColumnBroadcast))
            inner.MulColumnBroadcast(x, v, y, rows, cols);
    }

    /// <inheritdoc/>
    public double SumOfSquares(ReadOnlySpan<float> x)
    {
        using (Time(TensorKernel.SumOfSquares))
            return inner.SumOfSquares(x);
    }

    /// <inheritdoc/>
    public void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.SumLastAxis))
            inner.SumLastAxis(x, y, rows, cols);
    }

    /// <inheritdoc/>
    public void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        using (Time(TensorKernel.MaxLastAxis))
            inner.MaxLastAxis(x, y, rows, cols);
    }

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask)
    {
        using (Time(TensorKernel.Softmax))
            inner.Softmax(x, y, rows, cols, in mask);
    }

    /// <inheritdoc/>
    public void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        using (Time(TensorKernel.SoftmaxBackward))
            inner.SoftmaxBackward(y, dy, dx, rows, cols);
    }

    /// <inheritdoc/>
    public void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o,
        Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim, float scale,
        in SoftmaxMask mask, int keyValueGroups = 0)
    {
        using (Time(TensorKernel.AttentionForward))
            inner.AttentionForward(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, in mask,
                keyValueGroups);
    }

    /// <inheritdoc/>
    public void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO, Span<float> dq, Span<float> dk,
        Span<float> dv, int groups, int queryLength, int keyLength, int headDim, float scale, in SoftmaxMask mask,
        int keyValueGroups = 0)
    {
        using (Time(TensorKernel.AttentionBackward))
            inner.AttentionBackward(q, k, v, o, logSumExp, dO, dq, dk, dv, groups, queryLength, keyLength, headDim,
                scale, in mask, keyValueGroups);
    }

    /// <inheritdoc/>
    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> rstd, int rows, int cols, float eps)
    {
        using (Time(TensorKernel.LayerNorm))
            inner.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps);
    }

    /// <inheritdoc/>
    public void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
        int rows, int cols)
    {
        using (Time(TensorKernel.LayerNormBackward))
            inner.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
    }

    /// <inheritdoc/>
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd, int rows,
        int cols, float eps)
    {
        using (Time(TensorKernel.RmsNorm))
            inner.RmsNorm(x, gamma, y, rstd, rows, cols, eps);
    }

    /// <inheritdoc/>
    public void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols)
    {
        using (Time(TensorKernel.RmsNormBackward))
            inner.RmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols);
    }

    /// <inheritdoc/>
    public void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim)
    {
        using (Time(TensorKernel.EmbeddingGather))
            inner.EmbeddingGather(ids, table, y, vocab, dim);
    }

    /// <inheritdoc/>
    public void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab,
        int dim)
    {
        using (Time(TensorKernel.EmbeddingScatterAdd))
            inner.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim);
    }

    /// <inheritdoc/>
    public void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex)
    {
        using (Time(TensorKernel.CrossEntropy))
            inner.CrossEntropy(logits, targets, losses, logSumExp, rows, vocab, ignoreIndex);
    }

    /// <inheritdoc/>
    public void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> logSumExp, Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex)
    {
        using (Time(TensorKernel.CrossEntropyBackward))
            inner.CrossEntropyBackward(logits, targets, logSumExp, dlogits, gradScale, rows, vocab, ignoreIndex);
    }

    /// <inheritdoc/>
    public void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step)
    {
        using (Time(TensorKernel.AdamW))
            inner.AdamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    /// <inheritdoc/>
    public void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed)
    {
        using (Time(TensorKernel.Dropout))
            inner.Dropout(x, y, mask, p, seed);
    }

    /// <inheritdoc/>
    public void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y)
    {
        using (Time(TensorKernel.Permute))
            inner.Permute(x, shape, perm, y);
    }
}
