using System.Runtime.CompilerServices;
using LlmForge.Backends;

namespace LlmForge.Tests.Mkl;

/// <summary>
/// A fallback that only records which kernels were handed to it, so the tests can check
/// MklBackend's routing (MKL vs fallback) without depending on the managed backend.
/// </summary>
internal sealed class RecordingBackend : ITensorBackend
{
    public List<string> Calls { get; } = [];

    public string Name => "Recording";

    public int Threads { get; set; } = 1;

    private void Record([CallerMemberName] string kernel = "") => Calls.Add(kernel);

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) => Record();

    public void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c) => Record();

    public void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c) => Record();

    public void GemmStridedBatched(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a,
        int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB, float beta, Span<float> c, int ldc,
        long strideC, int batch) => Record();

    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Record();
    public void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Record();
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y) => Record();
    public void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => Record();
    public void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols) => Record();
    public void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols) => Record();
    public void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => Record();
    public void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y) => Record();
    public void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => Record();
    public void AddColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) => Record();
    public void MulColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) => Record();
    public void Exp(ReadOnlySpan<float> x, Span<float> y) => Record();
    public void Tanh(ReadOnlySpan<float> x, Span<float> y) => Record();
    public void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Record();
    public void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation) => Record();
    public void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation) => Record();
    public void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols, GeluApproximation approximation) => Record();
    public void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dbias, int rows, int cols, GeluApproximation approximation) => Record();

    public void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, GateActivation activation) => Record();
    public void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation) => Record();

    public double SumOfSquares(ReadOnlySpan<float> x)
    {
        Record();
        return 0;
    }

    public void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => Record();
    public void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => Record();
    public void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask) => Record();
    public void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols) => Record();

    public void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> o,
        Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim, float scale, in SoftmaxMask mask,
        int keyValueGroups = 0) => Record();
    public void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> o,
        ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO, Span<float> dq, Span<float> dk, Span<float> dv, int groups,
        int queryLength, int keyLength, int headDim, float scale, in SoftmaxMask mask, int keyValueGroups = 0) => Record();

    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> rstd, int rows, int cols, float eps) => Record();

    public void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
        int rows, int cols) => Record();

    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd, int rows,
        int cols, float eps) => Record();

    public void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols) => Record();

    public void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim) => Record();
    public void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim) => Record();

    public void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex) => Record();

    public void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> logSumExp, Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex) => Record();

    public void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step) => Record();

    public void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed) => Record();
    public void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y) => Record();
}
