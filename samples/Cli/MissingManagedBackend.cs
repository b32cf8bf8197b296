using LlmForge.Backends;

namespace LlmForge.Cli;

/// <summary>
/// MERGE: delete this file once the managed backend is on this branch (see BackendCatalog). Until then it is
/// the MKL backend's fallback in this tool, so MKL's own kernels (GEMM, the gemm benchmark) run, and any
/// kernel that needs the managed backend fails with one clear message.
/// </summary>
internal sealed class MissingManagedBackend : ITensorBackend
{
    internal const string Message = "managed backend not available in this build";

    public string Name => "Managed";

    public int Threads { get; set; } = Environment.ProcessorCount;

    private static InvalidOperationException Missing(string kernel) => new($"{Message} (kernel {kernel} needs it)");

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) => throw Missing(nameof(Gemm));

    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB, float beta, Span<float> c, int ldc, long strideC, int batch) => throw Missing(nameof(GemmStridedBatched));

    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => throw Missing(nameof(Add));

    public void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => throw Missing(nameof(Mul));

    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y) => throw Missing(nameof(Scale));

    public void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => throw Missing(nameof(Axpy));

    public void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols) => throw Missing(nameof(AddRowBroadcast));

    public void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols) => throw Missing(nameof(MulRowBroadcast));

    public void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => throw Missing(nameof(AddColumnSums));

    public void Exp(ReadOnlySpan<float> x, Span<float> y) => throw Missing(nameof(Exp));

    public void Tanh(ReadOnlySpan<float> x, Span<float> y) => throw Missing(nameof(Tanh));

    public void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw Missing(nameof(TanhBackward));

    public void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation) => throw Missing(nameof(Gelu));

    public void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation) => throw Missing(nameof(GeluBackward));

    public double SumOfSquares(ReadOnlySpan<float> x) => throw Missing(nameof(SumOfSquares));

    public void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => throw Missing(nameof(SumLastAxis));

    public void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => throw Missing(nameof(MaxLastAxis));

    public void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask) => throw Missing(nameof(Softmax));

    public void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols) => throw Missing(nameof(SoftmaxBackward));

    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps) => throw Missing(nameof(LayerNorm));

    public void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols) => throw Missing(nameof(LayerNormBackward));

    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd, int rows, int cols, float eps) => throw Missing(nameof(RmsNorm));

    public void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols) => throw Missing(nameof(RmsNormBackward));

    public void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim) => throw Missing(nameof(EmbeddingGather));

    public void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim) => throw Missing(nameof(EmbeddingScatterAdd));

    public void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, Span<float> logSumExp, int rows, int vocab, int ignoreIndex) => throw Missing(nameof(CrossEntropy));

    public void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp, Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex) => throw Missing(nameof(CrossEntropyBackward));

    public void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float lr, float beta1, float beta2, float eps, float weightDecay, int step) => throw Missing(nameof(AdamW));

    public void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed) => throw Missing(nameof(Dropout));

    public void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y) => throw Missing(nameof(Permute));
}
