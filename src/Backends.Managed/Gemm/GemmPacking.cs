using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, k-major sliver layout the micro-kernels
/// stream through (see <see cref="IGemmMicroKernel"/>). Transposes are resolved here, with 8 × 8
/// AVX register transposes, so every transpose combination feeds the kernel the same layout.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[ic .. ic+mc, pc .. pc+kc] into ⌈mc/MR⌉ slivers of MR × kc at <paramref name="dst"/>
    /// (sliver s at <c>s · MR · kc</c>, element (i, p) at <c>p · MR + i</c>), zero-padding the last sliver.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmProblem g, int ic, int mc, int pc, int kc, int mr, float* dst)
    {
        int lda = g.Lda;
        if (g.TransA)
        {
            // A stored [k, m]: each k step holds the panel's mc values contiguously.
            CopyRowsToSlivers(g.A + (nint)pc * lda + ic, lda, kc, mc, mr, dst);
            return;
        }
        for (int s = 0; s < mc; s += mr)
        {
            // A stored [m, k]: a sliver is `rows` rows of kc contiguous values → transpose.
            int rows = Math.Min(mr, mc - s);
            float* src = g.A + (nint)(ic + s) * lda + pc;
            float* d = dst + (nint)s * kc;
            if (rows == mr)
                PackTransposed(src, lda, mr, kc, d, mr);
            else
                PackTransposedScalar(src, lda, rows, kc, d, mr, mr);
        }
    }

    /// <summary>
    /// Packs op(B)[pc .. pc+kc, jc .. jc+nb] into ⌈nb/NR⌉ slivers of kc × NR at <paramref name="dst"/>
    /// (sliver t at <c>t · NR · kc</c>, element (p, j) at <c>p · NR + j</c>), zero-padding the last sliver.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmProblem g, int pc, int kc, int jc, int nb, int nr, float* dst)
    {
        int ldb = g.Ldb;
        if (!g.TransB)
        {
            // B stored [k, n]: each k step holds the block's nb columns contiguously.
            CopyRowsToSlivers(g.B + (nint)pc * ldb + jc, ldb, kc, nb, nr, dst);
            return;
        }
        for (int t = 0; t < nb; t += nr)
        {
            // B stored [n, k]: a sliver is `cols` rows of kc contiguous values → transpose.
            int cols = Math.Min(nr, nb - t);
            float* src = g.B + (nint)(jc + t) * ldb + pc;
            float* d = dst + (nint)t * kc;
            int full = Avx.IsSupported ? cols & ~7 : 0;
            if (full > 0)
                PackTransposed(src, ldb, full, kc, d, nr);
            if (full < nr)
                PackTransposedScalar(src + (nint)full * ldb, ldb, cols - full, kc, d + full, nr, nr - full);
        }
    }

    /// <summary>dst[p · dstStride + r] = src[r · ld + p] for r &lt; rows, p &lt; kc (8 × 8 blocks when rows allow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackTransposed(float* src, int ld, int rows, int kc, float* dst, int dstStride)
    {
        if (!Avx.IsSupported || (rows & 7) != 0)
        {
            PackTransposedScalar(src, ld, rows, kc, dst, dstStride, rows);
            return;
        }
        int kc8 = kc & ~7;
        for (int r = 0; r < rows; r += 8)
        {
            float* s = src + (nint)r * ld;
            float* d = dst + r;
            for (int p = 0; p < kc8; p += 8)
                Transpose8x8(s + p, ld, d + (nint)p * dstStride, dstStride);
            for (int p = kc8; p < kc; p++)
                for (int i = 0; i < 8; i++)
                    d[(nint)p * dstStride + i] = s[(nint)i * ld + p];
        }
    }

    /// <summary>
    /// dst[p · dstStride + r] = src[r · ld + p] for r &lt; rows, and 0 for rows ≤ r &lt; padTo (edge slivers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackTransposedScalar(float* src, int ld, int rows, int kc, float* dst, int dstStride, int padTo)
    {
        for (int r = 0; r < rows; r++)
        {
            float* s = src + (nint)r * ld;
            for (int p = 0; p < kc; p++)
                dst[(nint)p * dstStride + r] = s[p];
        }
        for (int p = 0; p < kc; p++)
            for (int r = rows; r < padTo; r++)
                dst[(nint)p * dstStride + r] = 0f;
    }

    /// <summary>
    /// Splits kc rows of <paramref name="count"/> contiguous values (rows ld apart) into slivers of
    /// <paramref name="width"/>: dst[t · kc + p · width + j] = src[p · ld + t + j], zero-padded.
    /// </summary>
    /// <remarks>
    /// Goes 16 k steps at a time, sliver by sliver: the 16 source rows stay in L1 while each sliver
    /// receives one contiguous run. (Row by row, every k step would write to all slivers, whose
    /// power-of-two distance (width · kc floats) maps them onto the same L1 set.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void CopyRowsToSlivers(float* src, int ld, int kc, int count, int width, float* dst)
    {
        const int Steps = 16;
        int full = count - count % width;
        for (int p0 = 0; p0 < kc; p0 += Steps)
        {
            int p1 = Math.Min(kc, p0 + Steps);
            for (int t = 0; t < full; t += width)
            {
                float* d = dst + (nint)t * kc;
                for (int p = p0; p < p1; p++)
                    Copy(src + (nint)p * ld + t, d + (nint)p * width, width);
            }
            if (full < count)
            {
                float* d = dst + (nint)full * kc;
                int cols = count - full;
                for (int p = p0; p < p1; p++)
                {
                    Copy(src + (nint)p * ld + full, d + (nint)p * width, cols);
                    new Span<float>(d + (nint)p * width + cols, width - cols).Clear();
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Copy(float* s, float* d, int count)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= count; j += 16)
                Vector512.Store(Vector512.Load(s + j), d + j);
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= count; j += 8)
                Vector256.Store(Vector256.Load(s + j), d + j);
        for (; j < count; j++)
            d[j] = s[j];
    }

    /// <summary>Writes column c of the 8 × 8 block at src (rows ld apart) to dst + c · dstStride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, int ld, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + ld);
        var r2 = Avx.LoadVector256(src + 2 * (nint)ld);
        var r3 = Avx.LoadVector256(src + 3 * (nint)ld);
        var r4 = Avx.LoadVector256(src + 4 * (nint)ld);
        var r5 = Avx.LoadVector256(src + 5 * (nint)ld);
        var r6 = Avx.LoadVector256(src + 6 * (nint)ld);
        var r7 = Avx.LoadVector256(src + 7 * (nint)ld);

        // Interleave pairs of rows: t0 = r00 r10 r01 r11 | r04 r14 r05 r15, ...
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        // Gather four rows per 128-bit lane: s0 = r00 r10 r20 r30 | r04 r14 r24 r34, ...
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join lanes: column c = low (c < 4) or high (c ≥ 4) halves of s(c mod 4) and s(c mod 4 + 4).
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * (nint)dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * (nint)dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * (nint)dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * (nint)dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * (nint)dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * (nint)dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
