using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The pure C# backend: SIMD kernels (<see cref="System.Numerics.Tensors.TensorPrimitives"/>, Vector512),
/// multi-threaded over rows on large inputs. Each kernel lives in a public static class by family
/// (<see cref="ElementwiseKernels"/>, <see cref="SoftmaxKernels"/>, …), which checks its arguments
/// (<see cref="KernelChecks"/>) and which the MKL backend reuses for what MKL lacks; this class only dispatches.
/// </summary>
public sealed class ManagedBackend : ITensorBackend
{
    private int _threads = Environment.ProcessorCount;

    /// <inheritdoc/>
    public string Name => "Managed";

    /// <summary>Most threads a kernel uses (default: every core); small kernels use one.</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be at least 1, got {value}.");
    }

    /// <inheritdoc/>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        PackedGemm.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, _threads);

    /// <inheritdoc/>
    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch) =>
        PackedGemm.GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch, _threads);

    /// <inheritdoc/>
    public void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c) =>
        Bf16Gemm.Gemm(m, n, k, a, b, c, _threads);

    /// <inheritdoc/>
    public void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c) =>
        Q8Gemm.Gemm(m, n, k, a, quants, scales, c, _threads);

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => ElementwiseKernels.Add(a, b, y, _threads);

    /// <inheritdoc/>
    public void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => ElementwiseKernels.Mul(a, b, y, _threads);

    /// <inheritdoc/>
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y) => ElementwiseKernels.Scale(x, alpha, y, _threads);

    /// <inheritdoc/>
    public void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => ElementwiseKernels.Axpy(alpha, x, y, _threads);

    /// <inheritdoc/>
    public void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols) =>
        ElementwiseKernels.AddRowBroadcast(x, bias, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols) =>
        ElementwiseKernels.MulRowBroadcast(x, scale, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        ReductionKernels.AddColumnSums(x, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void Exp(ReadOnlySpan<float> x, Span<float> y) => ElementwiseKernels.Exp(x, y, _threads);

    /// <inheritdoc/>
    public void Tanh(ReadOnlySpan<float> x, Span<float> y) => ActivationKernels.Tanh(x, y, _threads);

    /// <inheritdoc/>
    public void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ActivationKernels.TanhBackward(y, dy, dx, _threads);

    /// <inheritdoc/>
    public void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation) =>
        ActivationKernels.Gelu(x, y, approximation, _threads);

    /// <inheritdoc/>
    public void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation) =>
        ActivationKernels.GeluBackward(x, dy, dx, approximation, _threads);

    /// <inheritdoc/>
    public void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation) =>
        BiasGeluKernels.BiasGelu(x, bias, y, rows, cols, approximation, _threads);

    /// <inheritdoc/>
    public void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dbias, int rows, int cols, GeluApproximation approximation) =>
        BiasGeluKernels.BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, approximation, _threads);

    /// <inheritdoc/>
    public void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, GateActivation activation) =>
        GatedActivationKernels.GatedActivation(gate, up, y, activation, _threads);

    /// <inheritdoc/>
    public void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation) =>
        GatedActivationKernels.GatedActivationBackward(gate, up, dy, dgate, dup, activation, _threads);

    /// <inheritdoc/>
    public void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y) => MapKernels.Map(op, x, y, _threads);

    /// <inheritdoc/>
    public void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        MapKernels.MapBackward(op, x, dy, dx, _threads);

    /// <inheritdoc/>
    public void AddColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) =>
        ColumnBroadcastKernels.Add(x, v, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void MulColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) =>
        ColumnBroadcastKernels.Mul(x, v, y, rows, cols, _threads);

    /// <inheritdoc/>
    public double SumOfSquares(ReadOnlySpan<float> x) => ReductionKernels.SumOfSquares(x, _threads);

    /// <inheritdoc/>
    public void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        ReductionKernels.SumLastAxis(x, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        ReductionKernels.MaxLastAxis(x, y, rows, cols, _threads);

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask) =>
        SoftmaxKernels.Softmax(x, y, rows, cols, mask, _threads);

    /// <inheritdoc/>
    public void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols) =>
        SoftmaxKernels.SoftmaxBackward(y, dy, dx, rows, cols, _threads);

    /// <inheritdoc/>
    public void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0) =>
        AttentionKernels.Forward(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask, _threads, keyValueGroups);

    /// <inheritdoc/>
    public void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0) =>
        AttentionKernels.Backward(q, k, v, o, logSumExp, dO, dq, dk, dv, groups, queryLength, keyLength, headDim,
            scale, mask, _threads, keyValueGroups);

    /// <inheritdoc/>
    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps) =>
        LayerNormKernels.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps, _threads);

    /// <inheritdoc/>
    public void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols) =>
        LayerNormKernels.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols, _threads);

    /// <inheritdoc/>
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd, int rows, int cols, float eps) =>
        RmsNormKernels.RmsNorm(x, gamma, y, rstd, rows, cols, eps, _threads);

    /// <inheritdoc/>
    public void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols) =>
        RmsNormKernels.RmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols, _threads);

    /// <inheritdoc/>
    public void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim) =>
        EmbeddingKernels.EmbeddingGather(ids, table, y, vocab, dim, _threads);

    /// <inheritdoc/>
    public void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim) =>
        EmbeddingKernels.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim, _threads);

    /// <inheritdoc/>
    public void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex) =>
        CrossEntropyKernels.CrossEntropy(logits, targets, losses, logSumExp, rows, vocab, ignoreIndex, _threads);

    /// <inheritdoc/>
    public void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp,
        Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex) =>
        CrossEntropyKernels.CrossEntropyBackward(logits, targets, logSumExp, dlogits, gradScale, rows, vocab, ignoreIndex, _threads);

    /// <inheritdoc/>
    public void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, float weightDecay, int step) =>
        AdamWKernel.AdamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step, _threads);

    /// <inheritdoc/>
    public void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed) =>
        DropoutKernel.Dropout(x, y, mask, p, seed, _threads);

    /// <inheritdoc/>
    public void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y) =>
        PermuteKernel.Permute(x, shape, perm, y, _threads);
}
