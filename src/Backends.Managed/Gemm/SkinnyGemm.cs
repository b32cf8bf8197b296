using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// GEMV and its neighbours: products with at most <see cref="MaxWidth"/> rows or columns (one token — or a batch
/// of up to four — through a linear layer or the LM head at generation time, attention over a KV cache). They are
/// bound by reading the long operand once from memory, so it is streamed in place: never packed, transposed or
/// copied, and the micro-tile's 8 rows are not padded out. <see cref="GemmParallel"/> splits the long side over
/// the kernel worker threads. AVX-512 (16-float registers) or AVX2 + FMA (8-float), one source for both
/// (<see cref="ISimdLanes{TVector}"/>).
/// </summary>
/// <remarks>
/// Call the short side's s ≤ 4 vectors x_v (rows of op(A) or columns of op(B), gathered densely)
/// and the other operand L, with R = the long side of C. Then out(v, r) = Σ_p x_v[p] · L(r, p), and
/// L is either stored with r along rows (a dot product per output, "dot form": y = W·x for a Linear's
/// [out, in] weight) or with p along rows (a sum of scaled rows, "axpy form": y = x·W for an [in, out] weight,
/// or attention weights times cached values).
/// Measured on the project's 2-core AMD EPYC (AVX-512), GPT-2's M = 1 products streaming 600 MB of distinct
/// weights at a quiet moment: dot form with four rows in flight and two accumulators per row (eight chains)
/// reached 33–42 GB/s on two threads for the 154 MB LM head (23–25 GB/s on one), close to a plain two-thread read
/// of the same bytes (39–41 GB/s); one row at a time (one stream, four accumulators) stayed at 17–18 GB/s.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class SkinnyGemm
{
    public const int MaxWidth = 4;

    /// <summary>Rows of L one dot-form pass reads together (they stay in L1 across the short side's vectors).</summary>
    const int DotRowsAtOnce = 4;

    /// <summary>Registers of accumulators an axpy-form pass keeps (its width: 8 registers of columns of C).</summary>
    const int AxpyRegisters = 8;

    public static bool Applies(in GemmProblem g, GemmIsa isa) =>
        isa is GemmIsa.Avx512 or GemmIsa.Avx2 && Math.Min(g.M, g.N) <= MaxWidth;

    /// <summary>The short side's vectors, gathered to <paramref name="x"/> as s rows of k floats.</summary>
    public static void Gather(in GemmProblem g, float* x)
    {
        int k = g.K;
        if (g.M <= g.N)
            for (int v = 0; v < g.M; v++) // rows of op(A)
                if (g.TransA)
                    for (int p = 0; p < k; p++) x[(nint)v * k + p] = g.A[(nint)p * g.Lda + v];
                else
                    new ReadOnlySpan<float>(g.A + (nint)v * g.Lda, k).CopyTo(new Span<float>(x + (nint)v * k, k));
        else
            for (int v = 0; v < g.N; v++) // columns of op(B)
                if (g.TransB)
                    new ReadOnlySpan<float>(g.B + (nint)v * g.Ldb, k).CopyTo(new Span<float>(x + (nint)v * k, k));
                else
                    for (int p = 0; p < k; p++) x[(nint)v * k + p] = g.B[(nint)p * g.Ldb + v];
    }

    /// <summary>Long-side length R and the alignment its split between threads keeps.</summary>
    public static (int Length, int Unit) LongSide(in GemmProblem g, GemmIsa isa) =>
        (Math.Max(g.M, g.N), IsDotForm(g) ? DotRowsAtOnce : AxpyRegisters * (isa == GemmIsa.Avx512 ? 16 : 8));

    static bool IsDotForm(in GemmProblem g) => g.M <= g.N ? g.TransB : !g.TransA;

    /// <summary>Outputs r0 .. r1 of the long side, for every short-side vector in <paramref name="x"/>.</summary>
    public static void Run(in GemmProblem g, float* x, int r0, int r1, GemmIsa isa)
    {
        if (isa == GemmIsa.Avx512)
            Run<Lanes512, System.Runtime.Intrinsics.Vector512<float>>(g, x, r0, r1);
        else
            Run<Lanes256, System.Runtime.Intrinsics.Vector256<float>>(g, x, r0, r1);
    }

    static void Run<TLanes, TVector>(in GemmProblem g, float* x, int r0, int r1)
        where TLanes : struct, ISimdLanes<TVector> where TVector : unmanaged
    {
        bool shortM = g.M <= g.N;
        int s = shortM ? g.M : g.N;
        // out(v, r) lives at C[v, r] when the short side is m, at C[r, v] when it is n.
        nint outV = shortM ? g.Ldc : 1, outR = shortM ? 1 : g.Ldc;
        float* l = shortM ? g.B : g.A;
        int ld = shortM ? g.Ldb : g.Lda;
        if (IsDotForm(g))
            DotRows<TLanes, TVector, float>(l, ld, r0, r1, g.K, x, s, g.C, outV, outR, g.Alpha, g.Beta);
        else
            AxpyRows<TLanes, TVector>(l, ld, r0, r1, g.K, x, s, g.C, outV, outR, g.Alpha, g.Beta);
    }

    /// <summary>
    /// out(v, r) = Σ_p x_v[p] · l[r · ld + p], four rows of l at a time with two accumulators each (eight
    /// independent FMA chains, four memory streams); c[v · outV + r · outR] = alpha · out + beta · c.
    /// l's elements are floats, or bfloat16 (<typeparamref name="TWeight"/> = ushort) widened as they are loaded
    /// (<see cref="Bf16Gemm"/>): the JIT compiles one loop per element type, without a test in it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRows<TLanes, TVector, TWeight>(TWeight* l, int ld, int r0, int r1, int k, float* xs, int count, float* cs,
        nint outV, nint outR, float alpha, float beta)
        where TLanes : struct, ISimdLanes<TVector> where TVector : unmanaged where TWeight : unmanaged
    {
        int w = TLanes.Count;
        int k2 = k - k % (2 * w), k1 = k - k % w;
        int r = r0;
        for (; r + 4 <= r1; r += 4)
        for (int v = 0; v < count; v++)
        {
            float* x = xs + (nint)v * k, c = cs + v * outV;
            TWeight* l0 = l + (nint)r * ld, l1 = l0 + ld, l2 = l1 + ld, l3 = l2 + ld;
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
            TVector t0 = TLanes.Zero, t1 = TLanes.Zero, t2 = TLanes.Zero, t3 = TLanes.Zero;
            int p = 0;
            for (; p < k2; p += 2 * w)
            {
                var xp = TLanes.Load(x + p);
                var xq = TLanes.Load(x + p + w);
                // bfloat16 rows stream a cache line per row per pass, too few reads in flight for the hardware
                // prefetcher: ask for the next four rows' line ahead (1 × 50257 × 768 went from 44 to 50–54 GB/s).
                // Float rows, two lines per pass, gained nothing. A prefetch past the end never faults.
                if (typeof(TWeight) == typeof(ushort) && v == 0)
                {
                    TWeight* next = l3 + ld + p;
                    Sse.Prefetch0(next);
                    Sse.Prefetch0(next + ld);
                    Sse.Prefetch0(next + 2 * ld);
                    Sse.Prefetch0(next + 3 * ld);
                }
                s0 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l0 + p), s0);
                s1 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l1 + p), s1);
                s2 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l2 + p), s2);
                s3 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l3 + p), s3);
                t0 = TLanes.MultiplyAdd(xq, LoadRow<TLanes, TVector, TWeight>(l0 + p + w), t0);
                t1 = TLanes.MultiplyAdd(xq, LoadRow<TLanes, TVector, TWeight>(l1 + p + w), t1);
                t2 = TLanes.MultiplyAdd(xq, LoadRow<TLanes, TVector, TWeight>(l2 + p + w), t2);
                t3 = TLanes.MultiplyAdd(xq, LoadRow<TLanes, TVector, TWeight>(l3 + p + w), t3);
            }
            for (; p < k1; p += w)
            {
                var xp = TLanes.Load(x + p);
                s0 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l0 + p), s0);
                s1 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l1 + p), s1);
                s2 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l2 + p), s2);
                s3 = TLanes.MultiplyAdd(xp, LoadRow<TLanes, TVector, TWeight>(l3 + p), s3);
            }
            float d0 = TLanes.Sum(TLanes.Add(s0, t0)), d1 = TLanes.Sum(TLanes.Add(s1, t1));
            float d2 = TLanes.Sum(TLanes.Add(s2, t2)), d3 = TLanes.Sum(TLanes.Add(s3, t3));
            for (; p < k; p++)
            {
                d0 += x[p] * Widen(l0[p]);
                d1 += x[p] * Widen(l1[p]);
                d2 += x[p] * Widen(l2[p]);
                d3 += x[p] * Widen(l3[p]);
            }
            Store(c + r * outR, d0, alpha, beta);
            Store(c + (r + 1) * outR, d1, alpha, beta);
            Store(c + (r + 2) * outR, d2, alpha, beta);
            Store(c + (r + 3) * outR, d3, alpha, beta);
        }
        for (; r < r1; r++)
        for (int v = 0; v < count; v++)
        {
            float* x = xs + (nint)v * k, c = cs + v * outV;
            TWeight* lr = l + (nint)r * ld;
            TVector s0 = TLanes.Zero;
            int p = 0;
            for (; p < k1; p += w)
                s0 = TLanes.MultiplyAdd(TLanes.Load(x + p), LoadRow<TLanes, TVector, TWeight>(lr + p), s0);
            float d = TLanes.Sum(s0);
            for (; p < k; p++)
                d += x[p] * Widen(lr[p]);
            Store(c + r * outR, d, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TVector LoadRow<TLanes, TVector, TWeight>(TWeight* p)
        where TLanes : struct, ISimdLanes<TVector> where TVector : unmanaged where TWeight : unmanaged =>
        typeof(TWeight) == typeof(ushort) ? TLanes.LoadBf16((ushort*)p) : TLanes.Load((float*)p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Widen<TWeight>(TWeight x) where TWeight : unmanaged =>
        typeof(TWeight) == typeof(ushort) ? BFloat16.ToFloat(Unsafe.As<TWeight, ushort>(ref x)) : Unsafe.As<TWeight, float>(ref x);

    /// <summary>
    /// out(v, r) = Σ_p x_v[p] · l[p · ld + r], eight registers of columns of l at a time (they stay in L2 across
    /// v); c[v · outV + r · outR] = alpha · out + beta · c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AxpyRows<TLanes, TVector>(float* l, int ld, int r0, int r1, int k, float* xs, int count, float* cs,
        nint outV, nint outR, float alpha, float beta)
        where TLanes : struct, ISimdLanes<TVector> where TVector : unmanaged
    {
        int w = TLanes.Count, width = AxpyRegisters * w;
        float* t = stackalloc float[AxpyRegisters * 16];
        for (int r = r0; r < r1; r += width)
        for (int v = 0; v < count; v++)
        {
            float* x = xs + (nint)v * k, c = cs + v * outV;
            int cols = Math.Min(width, r1 - r);
            float* lr = l + r;
            if (cols == width)
            {
                TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
                TVector s4 = TLanes.Zero, s5 = TLanes.Zero, s6 = TLanes.Zero, s7 = TLanes.Zero;
                for (int p = 0; p < k; p++)
                {
                    var xp = TLanes.Broadcast(x[p]);
                    float* lp = lr + (nint)p * ld;
                    s0 = TLanes.MultiplyAdd(xp, TLanes.Load(lp), s0);
                    s1 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + w), s1);
                    s2 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 2 * w), s2);
                    s3 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 3 * w), s3);
                    s4 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 4 * w), s4);
                    s5 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 5 * w), s5);
                    s6 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 6 * w), s6);
                    s7 = TLanes.MultiplyAdd(xp, TLanes.Load(lp + 7 * w), s7);
                }
                TLanes.Store(s0, t); TLanes.Store(s1, t + w); TLanes.Store(s2, t + 2 * w); TLanes.Store(s3, t + 3 * w);
                TLanes.Store(s4, t + 4 * w); TLanes.Store(s5, t + 5 * w); TLanes.Store(s6, t + 6 * w); TLanes.Store(s7, t + 7 * w);
            }
            else
            {
                // The last, narrower chunk: whole registers, then single columns.
                int whole = cols - cols % w;
                for (int j = 0; j < whole; j += w)
                {
                    TVector s0 = TLanes.Zero;
                    for (int p = 0; p < k; p++)
                        s0 = TLanes.MultiplyAdd(TLanes.Broadcast(x[p]), TLanes.Load(lr + (nint)p * ld + j), s0);
                    TLanes.Store(s0, t + j);
                }
                for (int j = whole; j < cols; j++)
                {
                    float d = 0;
                    for (int p = 0; p < k; p++)
                        d += x[p] * lr[(nint)p * ld + j];
                    t[j] = d;
                }
            }
            for (int j = 0; j < cols; j++)
                Store(c + (r + j) * outR, t[j], alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, float dot, float alpha, float beta) =>
        *c = beta == 0f ? alpha * dot : MathF.FusedMultiplyAdd(dot, alpha, beta * *c);
}
