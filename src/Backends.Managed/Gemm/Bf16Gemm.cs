using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>Rows of B widened at once for a product with m &gt; 4 (128 × 768 floats = 384 KB, in L2).</summary>
    const int BlockRows = 128;

    /// <summary>Weights streamed by one chunk below which a product stays on one thread (as for float32 GEMVs).</summary>
    const long MinWeightsPerChunk = GemmParallel.MinSkinnyFloatsPerChunk;

    /// <summary>Chunks per thread, so that a worker that wakes late still takes a share.</summary>
    const int ChunksPerThread = 4;

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
            long units = (n + RowsAtOnce - 1) / RowsAtOnce;
            int chunks = (int)Math.Min(Math.Min((long)threads * ChunksPerThread, units), Math.Max(1, (long)n * k / MinWeightsPerChunk));
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
        int units = (s.N + RowsAtOnce - 1) / RowsAtOnce;
        int r0 = (int)((long)units * chunk / s.Count) * RowsAtOnce;
        int r1 = Math.Min(s.N, (int)((long)units * (chunk + 1) / s.Count) * RowsAtOnce);
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

    /// <summary>C[v, r] for every row v of A and rows r0 .. r1 of B.</summary>
    static void Stream(float* a, ushort* b, float* c, int m, int n, int k, int r0, int r1, GemmIsa isa)
    {
        if (isa == GemmIsa.Avx512)
            Stream<Lanes512, Vector512<float>>(a, b, c, m, n, k, r0, r1);
        else if (isa == GemmIsa.Avx2)
            Stream<Lanes256, Vector256<float>>(a, b, c, m, n, k, r0, r1);
        else
            StreamScalar(a, b, c, m, n, k, r0, r1);
    }

    /// <summary>
    /// C[v, r] = Σ_p A[v, p] · B[r, p], four rows of B at a time with two accumulators each (eight FMA chains, four
    /// memory streams); the rows of B stay in L1 while each row of A passes over them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Stream<TLanes, TVector>(float* a, ushort* b, float* c, int m, int n, int k, int r0, int r1)
        where TLanes : struct, ISimdLanes<TVector> where TVector : unmanaged
    {
        int w = TLanes.Count;
        int k2 = k - k % (2 * w), k1 = k - k % w;
        int r = r0;
        for (; r + RowsAtOnce <= r1; r += RowsAtOnce)
        for (int v = 0; v < m; v++)
        {
            float* x = a + (nint)v * k;
            ushort* b0 = b + (nint)r * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
            TVector t0 = TLanes.Zero, t1 = TLanes.Zero, t2 = TLanes.Zero, t3 = TLanes.Zero;
            int p = 0;
            for (; p < k2; p += 2 * w)
            {
                var xp = TLanes.Load(x + p);
                var xq = TLanes.Load(x + p + w);
                s0 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b0 + p), s0);
                s1 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b1 + p), s1);
                s2 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b2 + p), s2);
                s3 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b3 + p), s3);
                t0 = TLanes.MultiplyAdd(xq, TLanes.LoadBf16(b0 + p + w), t0);
                t1 = TLanes.MultiplyAdd(xq, TLanes.LoadBf16(b1 + p + w), t1);
                t2 = TLanes.MultiplyAdd(xq, TLanes.LoadBf16(b2 + p + w), t2);
                t3 = TLanes.MultiplyAdd(xq, TLanes.LoadBf16(b3 + p + w), t3);
            }
            for (; p < k1; p += w)
            {
                var xp = TLanes.Load(x + p);
                s0 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b0 + p), s0);
                s1 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b1 + p), s1);
                s2 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b2 + p), s2);
                s3 = TLanes.MultiplyAdd(xp, TLanes.LoadBf16(b3 + p), s3);
            }
            float d0 = TLanes.Sum(TLanes.Add(s0, t0)), d1 = TLanes.Sum(TLanes.Add(s1, t1));
            float d2 = TLanes.Sum(TLanes.Add(s2, t2)), d3 = TLanes.Sum(TLanes.Add(s3, t3));
            for (; p < k; p++)
            {
                d0 += x[p] * BFloat16.ToFloat(b0[p]);
                d1 += x[p] * BFloat16.ToFloat(b1[p]);
                d2 += x[p] * BFloat16.ToFloat(b2[p]);
                d3 += x[p] * BFloat16.ToFloat(b3[p]);
            }
            float* cv = c + (nint)v * n + r;
            (cv[0], cv[1], cv[2], cv[3]) = (d0, d1, d2, d3);
        }
        for (; r < r1; r++)
        for (int v = 0; v < m; v++)
        {
            float* x = a + (nint)v * k;
            ushort* br = b + (nint)r * k;
            TVector s0 = TLanes.Zero;
            int p = 0;
            for (; p < k1; p += w)
                s0 = TLanes.MultiplyAdd(TLanes.Load(x + p), TLanes.LoadBf16(br + p), s0);
            float d = TLanes.Sum(s0);
            for (; p < k; p++)
                d += x[p] * BFloat16.ToFloat(br[p]);
            c[(nint)v * n + r] = d;
        }
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

    /// <summary>m &gt; 4: blocks of rows of B widened to floats, then the packed GEMM writes C's matching columns.</summary>
    static void Widened(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c, int threads)
    {
        int block = Math.Min(n, BlockRows);
        var widened = t_widened is { } kept && kept.Length >= block * k ? kept : t_widened = new float[block * k];
        for (int n0 = 0; n0 < n; n0 += block)
        {
            int rows = Math.Min(block, n - n0);
            Widen(b.Slice(n0 * k, rows * k), widened);
            // C[:, n0 .. n0 + rows] = A · widenedᵀ
            PackedGemm.Gemm(false, true, m, rows, k, 1f, a, k, widened, k, 0f, c[n0..], n, threads);
        }
    }

    static void Widen(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        // A bfloat16 is the upper half of a float: widening is placing it there.
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        for (int i = 0; i < source.Length; i++) bits[i] = (uint)source[i] << 16;
    }
}
