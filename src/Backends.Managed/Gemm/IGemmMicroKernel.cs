namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// A register-tiled micro-kernel and the cache blocking tuned for it (BLIS/GotoBLAS terms).
/// The driver is generic over it, so the JIT specialises the whole loop nest per instruction set.
/// </summary>
/// <remarks>
/// Packed layouts the kernel reads (see <see cref="GemmPacking"/>):
/// a sliver of A is MR rows × kc, stored k-major: element (i, p) at <c>p * MR + i</c>;
/// a sliver of B is kc × NR columns: element (p, j) at <c>p * NR + j</c>. Both are zero-padded
/// to full MR / NR, so the kernel never branches on edges inside its k loop.
/// </remarks>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the C tile (A values broadcast per k step).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile (whole SIMD vectors of B per k step).</summary>
    static abstract int NR { get; }

    /// <summary>Depth of a packed panel: an MR × KC sliver of A stays in L1 while B slivers stream past it.</summary>
    static abstract int KC { get; }

    /// <summary>Rows of A packed at once (the A panel, read from L2/L3 once per B block).</summary>
    static abstract int MC { get; }

    /// <summary>Columns of B packed at once: a KC × NB block that stays resident in L2.</summary>
    static abstract int NB { get; }

    /// <summary>
    /// C[0..mr, 0..nr] = alpha · (A sliver · B sliver) + beta · C, with rows ldc apart.
    /// beta = 0 never reads C. mr ≤ MR and nr ≤ NR select the valid part of an edge tile.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr);
}
