using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("LlmForge.Backends.Tests")]

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Fast float32 GEMM in the GotoBLAS/BLIS style: op(A) and op(B) are packed (transposes resolved
/// while packing) into cache-sized panels that a register-tiled SIMD micro-kernel streams through
/// (8 × 48 with AVX-512, 6 × 16 with AVX2 + FMA, 4 × 4 scalar otherwise), on up to
/// <c>threads</c> threads. Products with at most 4 rows or columns (GEMV-like) skip packing
/// (<see cref="SkinnyGemm"/>). Semantics are those of <see cref="ITensorBackend.Gemm"/>: row-major,
/// op(A) is [m, k], op(B) is [k, n], C = alpha · op(A) · op(B) + beta · C, and beta = 0
/// overwrites C without reading it (old NaNs do not leak through).
/// </summary>
public static unsafe class PackedGemm
{
    /// <summary>C = alpha · op(A) · op(B) + beta · C; see <see cref="ITensorBackend.Gemm"/>.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads) =>
        Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, GemmKernels.Best);

    /// <summary>
    /// <paramref name="batch"/> independent products, matrix i of A at <c>i · strideA</c> (likewise B
    /// and C); a stride of 0 broadcasts one matrix. See <see cref="ITensorBackend.GemmStridedBatched"/>.
    /// Products whose C matrices overlap (strideC = 0 included) are applied one after another.
    /// </summary>
    public static void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, long strideA,
        ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch, int threads) =>
        GemmStridedBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB,
            beta, c, ldc, strideC, batch, threads, GemmKernels.Best);

    /// <summary><see cref="Gemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/> on a chosen kernel (tests).</summary>
    internal static void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads, GemmIsa isa)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, 0, b.Length, ldb, 0, c.Length, ldc, 0, 1, threads);
        if (m == 0 || n == 0)
            return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var g = new GemmProblem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            Product(g, threads, isa);
        }
    }

    /// <summary>The strided batched product on a chosen kernel (tests).</summary>
    internal static void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, long strideA,
        ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch, int threads, GemmIsa isa)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, strideA, b.Length, ldb, strideB,
            c.Length, ldc, strideC, batch, threads);
        if (m == 0 || n == 0 || batch == 0)
            return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var g = new GemmProblem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            bool disjointC = strideC >= (long)(m - 1) * ldc + n;
            bool trivial = k == 0 || alpha == 0f;
            // Whole products per thread when they split evenly (or are many); otherwise thread each one.
            bool perProduct = threads > 1 && batch >= threads && disjointC && !trivial
                && (batch % threads == 0 || batch >= 4 * threads);
            if (perProduct)
                GemmParallel.Batch(g, strideA, strideB, strideC, batch, threads, isa);
            else
                for (int i = 0; i < batch; i++)
                    Product(g.At(i, strideA, strideB, strideC), threads, isa);
        }
    }

    static void Product(in GemmProblem g, int threads, GemmIsa isa)
    {
        if (g.K == 0 || g.Alpha == 0f)
            ScaleC(g);
        else
            GemmParallel.Product(g, threads, isa);
    }

    /// <summary>C = beta · C, the whole product when op(A) · op(B) contributes nothing (BLAS semantics).</summary>
    static void ScaleC(in GemmProblem g)
    {
        for (int i = 0; i < g.M; i++)
        {
            var row = new Span<float>(g.C + (nint)i * g.Ldc, g.N);
            if (g.Beta == 0f)
                row.Clear();
            else if (g.Beta != 1f)
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, g.Beta, row);
        }
    }
}
