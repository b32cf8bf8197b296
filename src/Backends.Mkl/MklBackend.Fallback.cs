namespace LlmForge.Backends.Mkl;

// Kernels the fallback runs, and checks the sizes of: those MKL has no routine for, and those whose MKL
// routine lost to TensorPrimitives (.NET's AVX-512 kernels) on the project's machine. Measured there
// (MKL 2020.4, AMD EPYC with AVX-512, one core each, best of 200, 786 432 floats): vmsExp 436 µs vs
// TensorPrimitives.Exp 230 µs; vmsTanh 1491 µs vs TensorPrimitives.Tanh 375 µs; vsAdd 93 µs vs 75 µs;
// cblas_saxpy 95 µs vs 93 µs (65 536 floats: 4.7 µs vs 2.2 µs). MKL 2020 runs generic, not AVX-512,
// vector-math code on AMD processors (its LA/HA/EP accuracy modes all took the same time).
public sealed partial class MklBackend
{
    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => fallback.Add(a, b, y);

    /// <inheritdoc/>
    public void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => fallback.Mul(a, b, y);

    /// <inheritdoc/>
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y) => fallback.Scale(x, alpha, y);

    /// <inheritdoc/>
    public void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => fallback.Axpy(alpha, x, y);

    /// <inheritdoc/>
    public void Exp(ReadOnlySpan<float> x, Span<float> y) => fallback.Exp(x, y);

    /// <inheritdoc/>
    public void Tanh(ReadOnlySpan<float> x, Span<float> y) => fallback.Tanh(x, y);

    /// <inheritdoc/>
    public void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols) =>
        fallback.AddRowBroadcast(x, bias, y, rows, cols);

    /// <inheritdoc/>
    public void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols) =>
        fallback.MulRowBroadcast(x, scale, y, rows, cols);

    /// <inheritdoc/>
    public void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        fallback.AddColumnSums(x, y, rows, cols);

    /// <inheritdoc/>
    public void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        fallback.TanhBackward(y, dy, dx);

    // Fused bias + GELU: one memory-bound pass whose managed form (double-precision GELU on Vector512) needs no VML
    // call per block; the erf form there differs from VML's by float rounding only.
    /// <inheritdoc/>
    public void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation) =>
        fallback.BiasGelu(x, bias, y, rows, cols, approximation);

    /// <inheritdoc/>
    public void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dbias, int rows, int cols, GeluApproximation approximation) =>
        fallback.BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, approximation);

    /// <inheritdoc/>
    public void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, GateActivation activation) =>
        fallback.GatedActivation(gate, up, y, activation);

    /// <inheritdoc/>
    public void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation) =>
        fallback.GatedActivationBackward(gate, up, dy, dgate, dup, activation);

    /// <inheritdoc/>
    public double SumOfSquares(ReadOnlySpan<float> x) => fallback.SumOfSquares(x);

    /// <inheritdoc/>
    public void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        fallback.SumLastAxis(x, y, rows, cols);

    /// <inheritdoc/>
    public void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) =>
        fallback.MaxLastAxis(x, y, rows, cols);

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask) =>
        fallback.Softmax(x, y, rows, cols, mask);

    /// <inheritdoc/>
    public void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols) =>
        fallback.SoftmaxBackward(y, dy, dx, rows, cols);

    // bfloat16 weights: MKL 2020's gemm_bf16bf16f32 wants both operands in bfloat16 (it would round the activations
    // too) and runs it without AVX-512 BF16 hardware anyway, so the managed streaming kernel serves.
    /// <inheritdoc/>
    public void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c) =>
        fallback.GemmBf16(m, n, k, a, b, c);

    // 8-bit weights: MKL has no product of per-block scaled int8 (its gemm_s8u8s32 takes one offset per matrix, no
    // scale per block of 32), so the managed q8_0 kernel serves.
    /// <inheritdoc/>
    public void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c) =>
        fallback.GemmQ8(m, n, k, a, quants, scales, c);

    // Fused attention: the managed tiles (see AttentionKernels for why no MKL GEMM per tile).
    /// <inheritdoc/>
    public void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0) =>
        fallback.AttentionForward(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);

    /// <inheritdoc/>
    public void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0) =>
        fallback.AttentionBackward(q, k, v, o, logSumExp, dO, dq, dk, dv, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);

    /// <inheritdoc/>
    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps) =>
        fallback.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps);

    /// <inheritdoc/>
    public void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd,
        Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols) =>
        fallback.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);

    /// <inheritdoc/>
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd,
        int rows, int cols, float eps) =>
        fallback.RmsNorm(x, gamma, y, rstd, rows, cols, eps);

    /// <inheritdoc/>
    public void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols) =>
        fallback.RmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols);

    /// <inheritdoc/>
    public void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim) =>
        fallback.EmbeddingGather(ids, table, y, vocab, dim);

    /// <inheritdoc/>
    public void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim) =>
        fallback.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim);

    /// <inheritdoc/>
    public void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex) =>
        fallback.CrossEntropy(logits, targets, losses, logSumExp, rows, vocab, ignoreIndex);

    /// <inheritdoc/>
    public void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp,
        Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex) =>
        fallback.CrossEntropyBackward(logits, targets, logSumExp, dlogits, gradScale, rows, vocab, ignoreIndex);

    /// <inheritdoc/>
    public void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, float weightDecay, int step) =>
        fallback.AdamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);

    /// <inheritdoc/>
    public void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed) =>
        fallback.Dropout(x, y, mask, p, seed);

    /// <inheritdoc/>
    public void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y) =>
        fallback.Permute(x, shape, perm, y);
}
