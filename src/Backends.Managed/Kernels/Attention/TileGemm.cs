using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The attention tiles' matrix products, on the calling thread: the packed GEMM (<see cref="PackedGemm"/>'s
/// AVX-512 / AVX2 micro-kernels) over pinned tile pointers. A worker already owns its tile, so no product here
/// wakes other threads; tiles of 64 × 256 keep the packing cost small against the product.
/// </summary>
internal static unsafe class TileGemm
{
    /// <summary>C[m, n] = alpha · op(A) · op(B) + beta · C (beta = 0 ignores C's old contents); op(A) [m, k], op(B) [k, n].</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        var g = new GemmProblem(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        GemmParallel.Product(g, 1, GemmKernels.Best);
    }
}
