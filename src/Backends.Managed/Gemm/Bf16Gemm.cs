using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// C [m, n] = A [m, k] · Bᵀ with B [n, k] in bfloat16: a linear layer's weight [out, in] stored in half the bytes
/// for inference (<see cref="ITensorBackend.GemmBf16"/>).
/// <list type="bullet">
/// <item>m ≤ 4 (decoding: one token per row): B is streamed once, four rows at a time, each 16 (8) weights widened
/// to floats in registers (a zero-extend and a shift) and multiplied into two accumulators per row, like
/// <see cref="SkinnyGemm"/>'s dot form, with the rows of B split over the kernel threads. Bound by memory: half
/// the bytes of the float32 product, so about twice as fast.</item>
/// <item>m &gt; 4 (a prompt): blocks of <see cref="BlockRows"/> rows of B are widened to a float buffer and multiplied
/// by the packed GEMM, which is bound by arithmetic, not by reading B.</item>
/// </list>
/// </summary>
[SkipLocalsInit]
internal static unsafe class Bf16Gemm
{
    /// <summary>Rows of B one pass of the streaming kernel reads together (they stay in L1 across A's rows).</summary>
    const int RowsAtOnce = 4;

    /// <summary>Rows of B widened at once for a product with m &gt; 4 (128 × 768 floats = 384 KB, in L2), per thread.</summary>
    const int BlockRows = 128;

    [ThreadStatic] static float[]? t_widened;

    public static void Gemm(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c, int threads)
    {
        KernelChecks.GemmBf16(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c[..(m * n)].Clear();
            return;
        }
        var isa = GemmKernels.Best;
        if (m > SkinnyGemm.MaxWidth)
        {
            Widened(m, n, k, a, b, c, threads);
            return;
        }
        fixed (float* pa = a, pc = c)
        fixed (ushort* pb = b)
        {
            int chunks = GemmParallel.SkinnyChunkCount(n, RowsAtOnce, (long)n * k, threads);
            if (threads <= 1 || chunks <= 1)
            {
                Stream(pa, pb, pc, m, n, k, 0, n, isa);
                return;
            }
            KernelWorkers.Run(chunks, threads, new Chunks(pa, pb, pc, m, n, k, chunks, isa), static (in Chunks s, int chunk) => RunChunk(s, chunk));
        }
    }

    /// <summary>Rows of B of chunk <paramref name="chunk"/>, in whole groups of <see cref="RowsAtOnce"/>.</summary>
    static void RunChunk(in Chunks s, int chunk)
    {
        var (r0, r1) = GemmParallel.ChunkRange(s.N, RowsAtOnce, chunk, s.Count);
        Stream(s.A, s.B, s.C, s.M, s.N, s.K, r0, r1, s.Isa);
    }

    /// <summary>A streaming product split into <see cref="Count"/> chunks of B's rows: what every chunk reads.</summary>
    readonly struct Chunks(float* a, ushort* b, float* c, int m, int n, int k, int count, GemmIsa isa)
    {
        public readonly float* A = a, C = c;
        public readonly ushort* B = b;
        public readonly int M = m, N = n, K = k, Count = count;
        public readonly GemmIsa Isa = isa;
    }

    /// <summary>
    /// C[v, r] for every row v of A and rows r0 .. r1 of B: SkinnyGemm's dot form over bfloat16 rows (four rows of
    /// B at a time, two accumulators each; the rows stay in L1 while each row of A passes over them).
    /// </summary>
    static void Stream(float* a, ushort* b, float* c, int m, int n, int k, int r0, int r1, GemmIsa isa)
    {
        if (isa == GemmIsa.Avx512)
            SkinnyGemm.DotRows<Lanes512, Vector512<float>, ushort>(b, k, r0, r1, k, a, m, c, n, 1, 1f, 0f);
        else if (isa == GemmIsa.Avx2)
            SkinnyGemm.DotRows<Lanes256, Vector256<float>, ushort>(b, k, r0, r1, k, a, m, c, n, 1, 1f, 0f);
        else
            StreamScalar(a, b, c, m, n, k, r0, r1);
    }

    static void StreamScalar(float* a, ushort* b, float* c, int m, int n, int k, int r0, int r1)
    {
        for (int r = r0; r < r1; r++)
        for (int v = 0; v < m; v++)
        {
            float d = 0;
            for (int p = 0; p < k; p++)
                d += a[(nint)v * k + p] * BFloat16.ToFloat(b[(nint)r * k + p]);
            c[(nint)v * n + r] = d;
        }
    }

    /// <summary>
    /// m &gt; 4: blocks of <see cref="BlockRows"/> rows of B widened to floats, then the packed GEMM writes C's matching
    /// columns. With enough blocks each thread takes whole blocks (widening included, its buffer staying in its L2) and
    /// multiplies them on its own; a product of few blocks widens on the calling thread and splits each block's GEMM.
    /// </summary>
    static void Widened(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c, int threads)
    {
        int blocks = (n + BlockRows - 1) / BlockRows;
        fixed (float* pa = a, pc = c)
        fixed (ushort* pb = b)
        {
            var job = new Blocks(pa, pb, pc, m, n, k);
            if (threads > 1 && blocks >= 2 * threads)
                KernelWorkers.Run(blocks, threads, job, static (in Blocks s, int block) => WidenAndMultiply(s, block * BlockRows, 1));
            else
                for (int n0 = 0; n0 < n; n0 += BlockRows) WidenAndMultiply(job, n0, threads);
        }
    }

    /// <summary>C[:, n0 .. n0 + rows] = A · widened(B[n0 .. n0 + rows, :])ᵀ, the GEMM on <paramref name="threads"/> threads.</summary>
    static void WidenAndMultiply(in Blocks s, int n0, int threads)
    {
        int m = s.M, n = s.N, k = s.K, rows = Math.Min(BlockRows, n - n0);
        var widened = t_widened is { } kept && kept.Length >= BlockRows * k ? kept : t_widened = new float[BlockRows * k];
        BFloat16.ToFloat(new ReadOnlySpan<ushort>(s.B + (nint)n0 * k, rows * k), widened);
        PackedGemm.Gemm(false, true, m, rows, k, 1f, new ReadOnlySpan<float>(s.A, m * k), k, widened, k, 0f,
            new Span<float>(s.C + n0, (m - 1) * n + rows), n, threads);
    }

    /// <summary>A widened product: what every block reads.</summary>
    readonly struct Blocks(float* a, ushort* b, float* c, int m, int n, int k)
    {
        public readonly float* A = a, C = c;
        public readonly ushort* B = b;
        public readonly int M = m, N = n, K = k;
    }
}
