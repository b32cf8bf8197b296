using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// FlashAttention-2's backward pass for one group (one head of one batch item), on one thread so that its dq, dk
/// and dv rows have a single writer. Outer loop over key tiles (their dK, dV accumulate in scratch), inner loop over
/// the query blocks that see the tile; per tile pair the probabilities are recomputed from q, k and the saved
/// logsumexp L: P = exp(S − L), dP = dO·Vᵀ, dS = P ⊙ (dP − Δ) with Δ_i = rowsum(dO_i ⊙ O_i), then
/// dV += Pᵀ·dO, dK += scale · dSᵀ·Q, dQ += scale · dS·K.
/// </summary>
internal static unsafe class FlashBackward<TVector, TLanes>
    where TVector : unmanaged
    where TLanes : struct, ISimdLanes<TVector>
{
    private const int Br = FlashForward<TVector, TLanes>.QueryTile;

    private static int Bc => FlashForward<TVector, TLanes>.KeyTile;

    /// <summary>
    /// Scratch floats for one group: Qs, dOs [Br, Dp]; Kt, Vt [D, Bc]; Ks, dKacc, dVacc [Bc, Dp]; P, dP [Br, Bc];
    /// Pt, dSt [Bc, Br]; Δ [Tq]; dQacc [Tq + 2, Dp] (the head's dQ, rows padded to an even block).
    /// </summary>
    public static long ScratchFloats(int d, int tq)
    {
        long dp = FlashForward<TVector, TLanes>.PaddedDim(d), bc = Bc;
        return 2L * Br * dp + 2L * d * bc + 3L * bc * dp + 2L * Br * bc + 2L * bc * Br + tq + (tq + 2L) * dp;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Group(in AttentionProblem p, int g)
    {
        int d = p.D, dp = FlashForward<TVector, TLanes>.PaddedDim(d), bc = Bc, tq = p.Tq;
        float* qs = AttentionScratch.Get(ScratchFloats(d, tq)); // [Br, Dp] scale · q
        float* dos = qs + Br * dp;            // [Br, Dp] dO
        float* kt = dos + Br * dp;            // [D, Bc] K tile, transposed
        float* vt = kt + d * bc;              // [D, Bc] V tile, transposed
        float* ks = vt + d * bc;              // [Bc, Dp] K tile
        float* dkAcc = ks + bc * dp;          // [Bc, Dp]
        float* dvAcc = dkAcc + bc * dp;       // [Bc, Dp]
        float* pr = dvAcc + bc * dp;          // [Br, Bc] P
        float* dpr = pr + Br * bc;            // [Br, Bc] dP, then dS
        float* pt = dpr + Br * bc;            // [Bc, Br] Pᵀ
        float* dst = pt + bc * Br;            // [Bc, Br] dSᵀ
        float* delta = dst + bc * Br;         // [Tq] Δ
        float* dqAcc = delta + tq;            // [Tq + 2, Dp]

        long qBase = (long)g * tq, kBase = (long)g * p.Tk;
        for (int i = 0; i < tq; i++)
            delta[i] = TensorPrimitives.Dot(new ReadOnlySpan<float>(p.DO + (qBase + i) * d, d), new ReadOnlySpan<float>(p.O + (qBase + i) * d, d));
        new Span<float>(dqAcc, (tq + 2) * dp).Clear();
        byte* valid = p.ValidKeys(g);

        for (int j0 = 0; j0 < p.Tk; j0 += bc)
        {
            int cols = Math.Min(bc, p.Tk - j0);
            if (!AttentionProblem.AnyValid(valid, j0, j0 + cols)) continue;
            var (iLo, iHi) = QueriesSeeing(p, j0, cols);
            if (iLo >= iHi) continue;

            AttentionTiles.LoadTransposed(p.K + (kBase + j0) * d, cols, d, kt, bc);
            AttentionTiles.LoadTransposed(p.V + (kBase + j0) * d, cols, d, vt, bc);
            AttentionTiles.LoadRows(p.K + (kBase + j0) * d, cols, d, ks, dp, bc, 1f);
            new Span<float>(dkAcc, 2 * bc * dp).Clear(); // dKacc and dVacc

            for (int i0 = iLo; i0 < iHi; i0 += Br)
            {
                int rows = Math.Min(Br, iHi - i0), even = (rows + 1) & ~1;
                AttentionTiles.LoadRows(p.Q + (qBase + i0) * d, rows, d, qs, dp, even, p.Scale);
                AttentionTiles.LoadRows(p.DO + (qBase + i0) * d, rows, d, dos, dp, even, 1f);
                PanelProduct<TVector, TLanes>.Multiply(qs, dp, kt, bc, pr, bc, even, d, bc, accumulate: false);  // S
                PanelProduct<TVector, TLanes>.Multiply(dos, dp, vt, bc, dpr, bc, even, d, bc, accumulate: false); // dP
                for (int r = 0; r < even; r++)
                {
                    var prow = new Span<float>(pr + r * bc, bc);
                    var dsrow = new Span<float>(dpr + r * bc, bc);
                    if (r >= rows || !ProbabilitiesRow(p, prow, qBase + i0 + r, (long)p.QueryOffset + i0 + r, j0, cols, valid))
                    {
                        prow.Clear();
                        dsrow.Clear();
                        continue;
                    }
                    TensorPrimitives.Subtract(dsrow, delta[i0 + r], dsrow);   // dS = P ⊙ (dP − Δ)
                    TensorPrimitives.Multiply(dsrow, prow, dsrow);
                }
                AttentionTiles.Transpose(pr, even, bc, bc, pt, Br);
                AttentionTiles.Transpose(dpr, even, bc, bc, dst, Br);
                PanelProduct<TVector, TLanes>.Multiply(pt, Br, dos, dp, dvAcc, dp, bc, even, dp, accumulate: true);  // dV += Pᵀ·dO
                PanelProduct<TVector, TLanes>.Multiply(dst, Br, qs, dp, dkAcc, dp, bc, even, dp, accumulate: true); // dK += dSᵀ·(scale·Q)
                PanelProduct<TVector, TLanes>.Multiply(dpr, bc, ks, dp, dqAcc + (long)i0 * dp, dp, even, cols, dp, accumulate: true); // dQ/scale += dS·K
            }

            for (int t = 0; t < cols; t++)
            {
                long row = (kBase + j0 + t) * d;
                TensorPrimitives.Add(new ReadOnlySpan<float>(dkAcc + t * dp, d), new ReadOnlySpan<float>(p.DK + row, d), new Span<float>(p.DK + row, d));
                TensorPrimitives.Add(new ReadOnlySpan<float>(dvAcc + t * dp, d), new ReadOnlySpan<float>(p.DV + row, d), new Span<float>(p.DV + row, d));
            }
        }

        for (int i = 0; i < tq; i++)
        {
            var dq = new Span<float>(p.DQ + (qBase + i) * d, d);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dqAcc + (long)i * dp, d), p.Scale, dq, dq);
        }
    }

    /// <summary>The query rows [iLo, iHi) whose visible run meets keys [j0, j0 + cols) (causal: p ≥ j; window: p &lt; j + W).</summary>
    private static (int Lo, int Hi) QueriesSeeing(in AttentionProblem p, int j0, int cols)
    {
        long lo = 0, hi = p.Tq;
        if (p.Causal) lo = Math.Max(lo, (long)j0 - p.QueryOffset);
        if (p.Window > 0) hi = Math.Min(hi, (long)j0 + cols - 1 + p.Window - p.QueryOffset);
        return ((int)Math.Clamp(lo, 0, p.Tq), (int)Math.Clamp(hi, 0, p.Tq));
    }

    /// <summary>
    /// Row of P in place: exp(S − L) on the visible keys, 0 elsewhere. False when the row sees nothing in the tile or
    /// its L is −∞ (a fully masked row, which has no gradient).
    /// </summary>
    private static bool ProbabilitiesRow(in AttentionProblem p, Span<float> s, long lseRow, long position, int j0, int cols, byte* valid)
    {
        float lse = p.Lse[lseRow];
        var (a, b) = AttentionTiles.VisibleInTile(p, position, j0, cols);
        if (a >= b || float.IsNegativeInfinity(lse)) return false;
        TensorPrimitives.Subtract(s, lse, s);
        TensorPrimitives.Exp(s, s);
        s[..a].Clear();
        s[b..].Clear();
        if (valid != null)
            for (int t = a; t < b; t++)
                if (valid[j0 + t] == 0) s[t] = 0f;
        return true;
    }
}
