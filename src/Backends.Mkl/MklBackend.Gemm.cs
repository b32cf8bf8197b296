using System.Buffers;
using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

// Matrix products: straight to cblas_sgemm (row-major), after checking every size; GEMV-shaped ones (a side of
// at most SkinnySide), batched or not, on the fallback.
public sealed partial class MklBackend
{
    /// <summary>
    /// Products with at most this many rows or columns — a decoding step's, M = 1 — run on the fallback, whose
    /// GEMV streams the long operand over every thread. Measured on the project's machine (MKL 2020.4 on a 2-core
    /// AMD EPYC, AVX-512; MKL takes its AVX2 path there), median of 5 passes over 600 MB of distinct weights, two
    /// threads, M = 1, weight [n, k] read as Wᵀ:
    /// <list type="table">
    /// <item>n × k = 50257 × 768 (LM head): cblas_sgemm 14.9 GB/s, cblas_sgemv 14.7, managed GEMV 33.3;</item>
    /// <item>3072 × 768: sgemm 14.1, sgemv 14.2, managed 36.5;</item>
    /// <item>768 × 3072: sgemm 15.5, sgemv 15.4, managed 43.1;</item>
    /// <item>768 × 768: sgemm 15.4, sgemv 14.9, managed 33.2.</item>
    /// </list>
    /// With MKL_Set_Dynamic(0) MKL reached 19–21 GB/s on both routines (apparently still one core's worth); sgemv
    /// was never faster than sgemm. The batched products of attention over a KV cache (M = 1, 12 heads) take
    /// 8–9 µs on either alone, but in a decoding step every MKL call wakes MKL's OpenMP thread, which then spins
    /// on the second core the managed GEMV's worker needs: with them on the fallback too, generate-gpt2 went from
    /// 50.5–50.8 to 56.3–58.7 tokens/s (three alternating runs each).
    /// </summary>
    internal const int SkinnySide = 4;

    /// <inheritdoc/>
    public unsafe void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, 0, b.Length, ldb, 0, c.Length, ldc, 0, batch: 1);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            ScaleOnly(beta, c, m, n, ldc);
            return;
        }
        if (Math.Min(m, n) <= SkinnySide)
        {
            fallback.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            MklNative.Sgemm(MklNative.CblasRowMajor, Op(transA), Op(transB), m, n, k,
                alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// C[m, n] = A[m, k] · B[k, n], dense row-major, straight to <c>cblas_sgemm</c> whatever the shape: no skinny
    /// fallback and no LlmForge kernel in between. It is the baseline <see cref="Gemm"/> is measured against
    /// (<c>llmforge bench gemm</c>'s "mkl-cblas"); models should call <see cref="Gemm"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its matrix, or a size is negative.</exception>
    public unsafe void CblasSgemm(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        // Packed rows: the leading dimensions are the column counts (at least 1, as the checks and MKL want, when one is 0).
        CheckGemm(false, false, m, n, k, a.Length, Math.Max(1, k), 0, b.Length, Math.Max(1, n), 0, c.Length, Math.Max(1, n), 0, batch: 1);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c[..(m * n)].Clear(); // an empty sum
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
            MklNative.Sgemm(MklNative.CblasRowMajor, MklNative.CblasNoTrans, MklNative.CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
    }

    /// <inheritdoc/>
    public unsafe void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, long strideA,
        ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, strideA, b.Length, ldb, strideB, c.Length, ldc, strideC, batch);
        if (m == 0 || n == 0 || batch == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < batch; i++) ScaleOnly(beta, c[(int)(i * strideC)..], m, n, ldc);
            return;
        }
        if (Math.Min(m, n) <= SkinnySide)
        {
            fallback.GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
            return;
        }
        if (batch == 1 || strideC == 0)
        {
            // strideC = 0: the products apply one after another to the same C (C ← alpha·AᵢBᵢ + beta·C),
            // which sums a weight gradient over the batch; MKL's batch API would race on C.
            for (int i = 0; i < batch; i++)
                Gemm(transA, transB, m, n, k, alpha, a[(int)(i * strideA)..], lda, b[(int)(i * strideB)..], ldb, beta, c, ldc);
            return;
        }
        int aRows = transA ? k : m, bRows = transB ? n : k;
        // One MKL call for the whole batch, so MKL spreads the products over its threads. The strided API
        // takes only strides that step past a whole matrix; broadcasts (stride 0) and interleaved layouts
        // (heads side by side in a row) go through the pointer-array API.
        bool plainStrides = strideA >= (long)aRows * lda && strideB >= (long)bRows * ldb && strideC >= (long)m * ldc;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (MklLibrary.HasSgemmBatchStrided && plainStrides)
            {
                // The checks bound (batch − 1) · stride by a span length, so with batch > 1 strides fit MKL_INT.
                MklNative.SgemmBatchStrided(MklNative.CblasRowMajor, Op(transA), Op(transB), m, n, k,
                    alpha, pa, lda, (int)strideA, pb, ldb, (int)strideB, beta, pc, ldc, (int)strideC, batch);
                return;
            }
            GemmPointerBatch(transA, transB, m, n, k, alpha, pa, lda, strideA, pb, ldb, strideB, beta, pc, ldc, strideC, batch);
        }
    }

    private static unsafe void GemmPointerBatch(bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, int lda, long strideA, float* b, int ldb, long strideB,
        float beta, float* c, int ldc, long strideC, int batch)
    {
        var pointers = ArrayPool<nint>.Shared.Rent(3 * batch);
        try
        {
            for (int i = 0; i < batch; i++)
            {
                pointers[i] = (nint)(a + i * strideA);
                pointers[batch + i] = (nint)(b + i * strideB);
                pointers[2 * batch + i] = (nint)(c + i * strideC);
            }
            int ta = Op(transA), tb = Op(transB), groupSize = batch;
            fixed (nint* p = pointers)
            {
                MklNative.SgemmBatch(MklNative.CblasRowMajor, &ta, &tb, &m, &n, &k, &alpha,
                    (float**)p, &lda, (float**)(p + batch), &ldb, &beta, (float**)(p + 2 * batch), &ldc, 1, &groupSize);
            }
        }
        finally
        {
            ArrayPool<nint>.Shared.Return(pointers);
        }
    }

    private static int Op(bool trans) => trans ? MklNative.CblasTrans : MklNative.CblasNoTrans;

    /// <summary>
    /// Checks a (batched) GEMM: op(A) is [m, k], op(B) is [k, n], C is [m, n]; stored A is [k, m] when
    /// transposed, likewise B. Every operand must fit its buffer before MKL sees a pointer.
    /// </summary>
    private static void CheckGemm(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, long strideA, int bLength, int ldb, long strideB,
        int cLength, int ldc, long strideC, int batch)
    {
        SizeChecks.NonNegative(m, nameof(m));
        SizeChecks.NonNegative(n, nameof(n));
        SizeChecks.NonNegative(k, nameof(k));
        SizeChecks.NonNegative(batch, nameof(batch));
        SizeChecks.NonNegative(strideA, nameof(strideA));
        SizeChecks.NonNegative(strideB, nameof(strideB));
        SizeChecks.NonNegative(strideC, nameof(strideC));
        SizeChecks.Matrix("a", aLength, transA ? k : m, transA ? m : k, nameof(lda), lda, nameof(strideA), strideA, batch);
        SizeChecks.Matrix("b", bLength, transB ? n : k, transB ? k : n, nameof(ldb), ldb, nameof(strideB), strideB, batch);
        SizeChecks.Matrix("c", cLength, m, n, nameof(ldc), ldc, nameof(strideC), strideC, batch);
    }

    /// <summary>C = beta · C when k = 0 (an empty sum); beta = 0 clears C, NaN included.</summary>
    private static void ScaleOnly(float beta, Span<float> c, int m, int n, int ldc)
    {
        for (int r = 0; r < m; r++)
        {
            var row = c.Slice(r * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
