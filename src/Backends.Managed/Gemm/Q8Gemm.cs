using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// C [m, n] = A [m, k] · Bᵀ with B [n, k] in 8-bit blocks (<see cref="Q8Blocks"/>, ggml's q8_0): a linear layer's
/// weight [out, in] in about a quarter of the bytes, for inference (<see cref="ITensorBackend.GemmQ8"/>).
/// <list type="bullet">
/// <item>m ≤ 4 (decoding): A's rows are quantized per block of 32 as well (<see cref="Q8Activations"/>) and every
/// output is a sum of int8 block dots (<see cref="Q8Dot"/>: AVX-VNNI, else AVX2, else scalar), B streamed once,
/// four rows at a time, its rows split over the kernel threads. Bound by memory: 36 bytes per 32 weights.</item>
/// <item>m &gt; 4 (a prompt): A's float rows times B's weights dequantized in registers (<see cref="Q8FloatRows"/>,
/// AVX-512), or without AVX-512 blocks of <see cref="BlockRows"/> rows of B dequantized to floats and multiplied by the
/// packed GEMM: either way the float product with the dequantized weights, up to float32 rounding.</item>
/// </list>
/// </summary>
[SkipLocalsInit]
internal static unsafe class Q8Gemm
{
    /// <summary>Rows of B dequantized at once for a product with m &gt; 4 (128 × 768 floats = 384 KB, in L2).</summary>
    const int BlockRows = 128;

    [ThreadStatic] static float[]? t_widened;
    [ThreadStatic] static sbyte[]? t_quants;
    [ThreadStatic] static float[]? t_scales;

    public static void Gemm(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales,
        Span<float> c, int threads) =>
        Gemm(m, n, k, a, quants, scales, c, threads, Q8Dot.Best);

    /// <summary><see cref="Gemm(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{sbyte}, ReadOnlySpan{float}, Span{float}, int)"/> with a chosen dot product (tests).</summary>
    internal static void Gemm(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales,
        Span<float> c, int threads, Q8Isa isa)
    {
        KernelChecks.GemmQ8(m, n, k, a, quants, scales, c);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c[..(m * n)].Clear();
            return;
        }
        int blocks = Q8Blocks.BlocksPerRow(k), padded = Q8Blocks.PaddedLength(k);
        if (m > SkinnyGemm.MaxWidth)
        {
            if (isa == Q8Isa.Scalar || !Q8FloatRows.IsSupported)
                Widened(m, n, k, a, quants, scales, c, threads);
            else
                fixed (float* pa = a, pc = c, pdb = scales)
                fixed (sbyte* pqb = quants)
                    Split(new Chunks(null, pa, m, pqb, pdb, n, blocks, pc, 0, isa, k), (long)m * n * k, threads);
            return;
        }
        var qa = t_quants is { } keptQ && keptQ.Length >= m * padded ? keptQ : t_quants = new sbyte[SkinnyGemm.MaxWidth * padded];
        var da = t_scales is { } keptD && keptD.Length >= m * blocks ? keptD : t_scales = new float[SkinnyGemm.MaxWidth * blocks];
        fixed (float* pa = a, pc = c, pdb = scales, pda = da)
        fixed (sbyte* pqb = quants, pqa = qa)
        {
            Q8Activations.Quantize(pa, m, k, pqa, pda, simd: isa != Q8Isa.Scalar);
            Split(new Chunks(pqa, pda, m, pqb, pdb, n, blocks, pc, 0, isa, k), (long)n * k, threads);
        }
    }

    /// <summary>Runs <paramref name="s"/>'s product in chunks of B's rows over the kernel threads (one when it is small).</summary>
    static void Split(Chunks s, long work, int threads)
    {
        int chunks = GemmParallel.SkinnyChunkCount(s.N, 4, work, threads);
        if (threads <= 1 || chunks <= 1)
            RunRows(s, 0, s.N);
        else
            KernelWorkers.Run(chunks, threads, s.WithCount(chunks), static (in Chunks s, int chunk) => RunChunk(s, chunk));
    }

    /// <summary>Rows of B of chunk <paramref name="chunk"/>, in whole groups of four.</summary>
    static void RunChunk(in Chunks s, int chunk)
    {
        var (r0, r1) = GemmParallel.ChunkRange(s.N, 4, chunk, s.Count);
        RunRows(s, r0, r1);
    }

    /// <summary>Rows r0 .. r1 of B: int8 dots with A's quantized rows (Qa set), else A's float rows (m &gt; 4).</summary>
    static void RunRows(in Chunks s, int r0, int r1)
    {
        if (s.Qa is not null) Q8Dot.Rows(s.Isa, s.Qa, s.Da, s.M, s.Qb, s.Db, r0, r1, s.Blocks, s.C, s.N);
        else Q8FloatRows.Rows(s.Da, s.M, s.K, s.Qb, s.Db, r0, r1, s.C, s.N);
    }

    /// <summary>
    /// A product split into <see cref="Count"/> chunks of B's rows: what every chunk reads. Qa and Da are A's quants
    /// and scales for int8 dots; for float rows Qa is null and Da is A itself.
    /// </summary>
    readonly struct Chunks(sbyte* qa, float* da, int m, sbyte* qb, float* db, int n, int blocks, float* c, int count, Q8Isa isa, int k)
    {
        public readonly sbyte* Qa = qa, Qb = qb;
        public readonly float* Da = da, Db = db, C = c;
        public readonly int M = m, N = n, Blocks = blocks, Count = count, K = k;
        public readonly Q8Isa Isa = isa;

        public Chunks WithCount(int chunks) => new(Qa, Da, M, Qb, Db, N, Blocks, C, chunks, Isa, K);
    }

    /// <summary>m &gt; 4: blocks of rows of B dequantized to floats, then the packed GEMM writes C's matching columns.</summary>
    static void Widened(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales,
        Span<float> c, int threads)
    {
        int block = Math.Min(n, BlockRows), padded = Q8Blocks.PaddedLength(k), blocks = Q8Blocks.BlocksPerRow(k);
        var widened = t_widened is { } kept && kept.Length >= block * k ? kept : t_widened = new float[block * k];
        for (int n0 = 0; n0 < n; n0 += block)
        {
            int rows = Math.Min(block, n - n0);
            Dequantize(quants.Slice(n0 * padded, rows * padded), scales.Slice(n0 * blocks, rows * blocks), rows, k, widened);
            // C[:, n0 .. n0 + rows] = A · widenedᵀ
            PackedGemm.Gemm(false, true, m, rows, k, 1f, a, k, widened, k, 0f, c[n0..], n, threads);
        }
    }

    /// <summary><see cref="Q8Blocks.Dequantize"/>, eight values per instruction for whole blocks (the same products q · d).</summary>
    static void Dequantize(ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, int rows, int k, Span<float> x)
    {
        int whole = k / Q8Blocks.BlockSize;
        if (!Avx2.IsSupported || whole * Q8Blocks.BlockSize != k)
        {
            Q8Blocks.Dequantize(quants, scales, rows, k, x);
            return;
        }
        fixed (sbyte* pq = quants)
        fixed (float* ps = scales, px = x)
            for (long i = 0; i < (long)rows * whole; i++) // k a multiple of 32: block i of every row is block i overall
            {
                sbyte* q = pq + i * Q8Blocks.BlockSize;
                float* o = px + i * Q8Blocks.BlockSize;
                var d = Vector256.Create(ps[i]);
                for (int j = 0; j < Q8Blocks.BlockSize; j += 8)
                    Avx.Store(o + j, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + j)), d));
            }
    }
}
