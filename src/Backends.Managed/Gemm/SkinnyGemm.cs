using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Products with at most <see cref="MaxWidth"/> rows or columns (GEMV-like: one token through a
/// linear layer or the LM head at generation time). They are bound by reading the long operand
/// once, so it is read in place, never packed, and the micro-tile's 8 rows are not padded out.
/// </summary>
/// <remarks>
/// Call the short side's s ≤ 4 vectors x_v (rows of op(A) or columns of op(B), gathered densely)
/// and the other operand L, with R = the long side of C. Then out(v, r) = Σ_p x_v[p] · L(r, p), and
/// L is either stored with r along rows (a dot product per output, "dot form") or with p along
/// rows (a sum of scaled rows, "axpy form").
/// </remarks>
[SkipLocalsInit]
internal static unsafe class SkinnyGemm
{
    public const int MaxWidth = 4;

    /// <summary>Columns of C one axpy-form pass keeps in eight zmm accumulators.</summary>
    const int AxpyWidth = 128;

    public static bool Applies(in GemmProblem g, GemmIsa isa) =>
        isa == GemmIsa.Avx512 && Math.Min(g.M, g.N) <= MaxWidth;

    /// <summary>The short side's vectors, gathered to <paramref name="x"/> as s rows of k floats.</summary>
    public static void Gather(in GemmProblem g, float* x)
    {
        int k = g.K;
        if (g.M <= g.N)
            for (int v = 0; v < g.M; v++) // rows of op(A)
                for (int p = 0; p < k; p++)
                    x[(nint)v * k + p] = g.TransA ? g.A[(nint)p * g.Lda + v] : g.A[(nint)v * g.Lda + p];
        else
            for (int v = 0; v < g.N; v++) // columns of op(B)
                for (int p = 0; p < k; p++)
                    x[(nint)v * k + p] = g.TransB ? g.B[(nint)v * g.Ldb + p] : g.B[(nint)p * g.Ldb + v];
    }

    /// <summary>Long-side length R and the alignment its split between threads keeps.</summary>
    public static (int Length, int Unit) LongSide(in GemmProblem g) =>
        (Math.Max(g.M, g.N), IsDotForm(g) ? 4 : AxpyWidth);

    static bool IsDotForm(in GemmProblem g) => g.M <= g.N ? g.TransB : !g.TransA;

    /// <summary>Outputs r0 .. r1 of the long side, for every short-side vector in <paramref name="x"/>.</summary>
    public static void Run(in GemmProblem g, float* x, int r0, int r1)
    {
        bool shortM = g.M <= g.N;
        int s = shortM ? g.M : g.N;
        // out(v, r) lives at C[v, r] when the short side is m, at C[r, v] when it is n.
        nint outV = shortM ? g.Ldc : 1, outR = shortM ? 1 : g.Ldc;
        float* l = shortM ? g.B : g.A;
        int ld = shortM ? g.Ldb : g.Lda;
        if (IsDotForm(g))
            DotRows(l, ld, r0, r1, g.K, x, s, g.C, outV, outR, g.Alpha, g.Beta);
        else
            AxpyRows(l, ld, r0, r1, g.K, x, s, g.C, outV, outR, g.Alpha, g.Beta);
    }

    /// <summary>
    /// out(v, r) = Σ_p x_v[p] · l[r · ld + p], four rows of l at a time (they stay in L1 across v);
    /// c[v · outV + r · outR] = alpha · out + beta · c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotRows(float* l, int ld, int r0, int r1, int k, float* xs, int count, float* cs, nint outV, nint outR,
        float alpha, float beta)
    {
        int k16 = k & ~15;
        int r = r0;
        for (; r + 4 <= r1; r += 4)
        for (int v = 0; v < count; v++)
        {
            float* x = xs + (nint)v * k, c = cs + v * outV;
            float* l0 = l + (nint)r * ld, l1 = l0 + ld, l2 = l1 + ld, l3 = l2 + ld;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < k16; p += 16)
            {
                var xp = Vector512.Load(x + p);
                s0 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(l0 + p), s0);
                s1 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(l1 + p), s1);
                s2 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(l2 + p), s2);
                s3 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(l3 + p), s3);
            }
            float d0 = Vector512.Sum(s0), d1 = Vector512.Sum(s1), d2 = Vector512.Sum(s2), d3 = Vector512.Sum(s3);
            for (int p = k16; p < k; p++)
            {
                d0 += x[p] * l0[p];
                d1 += x[p] * l1[p];
                d2 += x[p] * l2[p];
                d3 += x[p] * l3[p];
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
            float* lr = l + (nint)r * ld;
            Vector512<float> s0 = default;
            for (int p = 0; p < k16; p += 16)
                s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(lr + p), s0);
            float d = Vector512.Sum(s0);
            for (int p = k16; p < k; p++)
                d += x[p] * lr[p];
            Store(c + r * outR, d, alpha, beta);
        }
    }

    /// <summary>
    /// out(v, r) = Σ_p x_v[p] · l[p · ld + r], 128 columns of l at a time (they stay in L2 across v);
    /// c[v · outV + r · outR] = alpha · out + beta · c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AxpyRows(float* l, int ld, int r0, int r1, int k, float* xs, int count, float* cs, nint outV, nint outR,
        float alpha, float beta)
    {
        float* t = stackalloc float[AxpyWidth];
        for (int r = r0; r < r1; r += AxpyWidth)
        for (int v = 0; v < count; v++)
        {
            float* x = xs + (nint)v * k, c = cs + v * outV;
            int w = Math.Min(AxpyWidth, r1 - r);
            float* lr = l + r;
            if (w == AxpyWidth)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
                for (int p = 0; p < k; p++)
                {
                    var xp = Vector512.Create(x[p]);
                    float* lp = lr + (nint)p * ld;
                    s0 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp), s0);
                    s1 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 16), s1);
                    s2 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 32), s2);
                    s3 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 48), s3);
                    s4 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 64), s4);
                    s5 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 80), s5);
                    s6 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 96), s6);
                    s7 = Avx512F.FusedMultiplyAdd(xp, Vector512.Load(lp + 112), s7);
                }
                s0.Store(t); s1.Store(t + 16); s2.Store(t + 32); s3.Store(t + 48);
                s4.Store(t + 64); s5.Store(t + 80); s6.Store(t + 96); s7.Store(t + 112);
            }
            else
            {
                // The last, narrower chunk: whole vectors, then single columns.
                int w16 = w & ~15;
                for (int j = 0; j < w16; j += 16)
                {
                    Vector512<float> s0 = default;
                    for (int p = 0; p < k; p++)
                        s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(x[p]), Vector512.Load(lr + (nint)p * ld + j), s0);
                    s0.Store(t + j);
                }
                for (int j = w16; j < w; j++)
                {
                    float d = 0;
                    for (int p = 0; p < k; p++)
                        d += x[p] * lr[(nint)p * ld + j];
                    t[j] = d;
                }
            }
            for (int j = 0; j < w; j++)
                Store(c + (r + j) * outR, t[j], alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, float dot, float alpha, float beta) =>
        *c = beta == 0f ? alpha * dot : MathF.FusedMultiplyAdd(dot, alpha, beta * *c);
}
