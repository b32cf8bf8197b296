using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// The reference GEMM, kept as llm.c keeps <c>matmul_forward_naive</c>: single-threaded, obviously correct,
/// the yardstick the packed GEMM is tested and benchmarked against. Still not hopeless on speed: each
/// output row is built with vectorized row updates (op(B) = B) or dot products (op(B) = Bᵀ).
/// </summary>
public static class NaiveGemm
{
    /// <summary>C = alpha · op(A) · op(B) + beta · C (see <see cref="ITensorBackend.Gemm"/>).</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        KernelChecks.Gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        Product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// <paramref name="batch"/> products, matrix i at i · stride (see <see cref="ITensorBackend.GemmStridedBatched"/>),
    /// in order: products sharing C (strideC = 0) apply one after another.
    /// </summary>
    public static void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, long strideA,
        ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch)
    {
        KernelChecks.GemmStridedBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch);
        if (m == 0 || n == 0) return;
        for (int i = 0; i < batch; i++)
        {
            Product(transA, transB, m, n, k, alpha,
                k == 0 ? default : a[(int)(i * strideA)..], lda,
                k == 0 ? default : b[(int)(i * strideB)..], ldb,
                beta, c[(int)(i * strideC)..], ldc);
        }
    }

    private static void Product(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        var aRow = new float[k];   // row i of op(A)
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * ldc, n);
            // beta = 0 overwrites: old contents, even NaN, must not leak through 0 · NaN.
            if (beta == 0) cRow.Clear();
            else if (beta != 1) TensorPrimitives.Multiply(cRow, beta, cRow);
            if (alpha == 0 || k == 0) continue;

            for (int p = 0; p < k; p++) aRow[p] = transA ? a[p * lda + i] : a[i * lda + p];
            if (transB)
            {
                // op(B)[p, j] = B[j, p]: C[i, j] += alpha · (row i of op(A)) · (row j of B).
                for (int j = 0; j < n; j++) cRow[j] += alpha * TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
            }
            else
            {
                // C[i, :] += (alpha · op(A)[i, p]) · B[p, :] for each p.
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), alpha * aRow[p], cRow, cRow);
            }
        }
    }
}
