namespace LlmForge.Backends.Managed.Gemm;

/// <summary>One product C = alpha · op(A) · op(B) + beta · C over pinned row-major buffers.</summary>
internal readonly unsafe struct GemmProblem(
    bool transA, bool transB, int m, int n, int k, float alpha,
    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
{
    public readonly bool TransA = transA, TransB = transB;
    public readonly int M = m, N = n, K = k;
    public readonly float Alpha = alpha, Beta = beta;
    public readonly float* A = a, B = b, C = c;
    public readonly int Lda = lda, Ldb = ldb, Ldc = ldc;

    /// <summary>The same product on matrix <paramref name="index"/> of a strided batch.</summary>
    public GemmProblem At(long index, long strideA, long strideB, long strideC) =>
        new(TransA, TransB, M, N, K, Alpha, A + index * strideA, Lda, B + index * strideB, Ldb,
            Beta, C + index * strideC, Ldc);
}
