using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LlmForge.Backends.Managed;

/// <summary>
/// FlashAttention-2's backward pass for one kv group (one kv head of one batch item and the query heads reading it),
/// on one thread so that its dq, dk and dv rows have a single writer, which lets every tile product accumulate straight into them. Over the same
/// tiles as the forward pass, the probabilities are recomputed from q, k and the saved logsumexp L:
/// P = exp(S − L), dP = dO·Vᵀ, dS = P ⊙ (dP − Δ) with Δ_i = rowsum(dO_i ⊙ O_i); then dV += Pᵀ·dO,
/// dQ += scale · dS·K and dK += scale · dSᵀ·Q.
/// </summary>
internal static unsafe class FlashBackward
{
    private const int Br = AttentionTiles.QueryTile, Bc = AttentionTiles.KeyTile;

    /// <summary>Scratch floats for one group: P and dP (then dS) [Br, Bc]; Δ [Tq].</summary>
    private static long ScratchFloats(int tq) => 2L * Br * Bc + tq;

    /// <summary>The query groups of kv group <paramref name="kv"/> one after another: their dk, dv sum into its rows.</summary>
    public static void KeyValueGroup(in AttentionProblem p, int kv)
    {
        for (int g = kv * p.QueriesPerKv; g < (kv + 1) * p.QueriesPerKv; g++) Group(p, g);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group(in AttentionProblem p, int g)
    {
        int d = p.D, tq = p.Tq;
        float* pr = AttentionScratch.Get(ScratchFloats(tq)); // [Br, Bc] S, then P
        float* ds = pr + Br * Bc;                              // [Br, Bc] dP, then dS
        float* delta = ds + Br * Bc;                           // [Tq] Δ

        long qBase = (long)g * tq, kBase = p.KeyBase(g);
        for (int i = 0; i < tq; i++)
            delta[i] = TensorPrimitives.Dot(new ReadOnlySpan<float>(p.DO + (qBase + i) * d, d), new ReadOnlySpan<float>(p.O + (qBase + i) * d, d));
        byte* valid = p.ValidKeys(g);

        for (int i0 = 0; i0 < tq; i0 += Br)
        {
            int rows = Math.Min(Br, tq - i0);
            long q0 = (qBase + i0) * d;
            float* q = p.Q + q0, dO = p.DO + q0, dq = p.DQ + q0;   // [rows, D] each
            var (lo, hi) = AttentionTiles.BlockKeys(p, i0, rows);
            for (int j0 = lo; j0 < hi; j0 += Bc)
            {
                int cols = Math.Min(Bc, hi - j0);
                if (!AttentionProblem.AnyValid(valid, j0, j0 + cols)) continue;
                long k0 = (kBase + j0) * d;
                float* k = p.K + k0, v = p.V + k0, dk = p.DK + k0, dv = p.DV + k0;   // [cols, D] each
                TileGemm.Run(false, true, rows, cols, d, p.Scale, q, d, k, d, 0f, pr, Bc);   // S = scale · Q·Kᵀ
                TileGemm.Run(false, true, rows, cols, d, 1f, dO, d, v, d, 0f, ds, Bc);        // dP = dO·Vᵀ
                bool any = false;
                for (int r = 0; r < rows; r++)
                {
                    var prow = new Span<float>(pr + r * Bc, cols);
                    var dsrow = new Span<float>(ds + r * Bc, cols);
                    if (!ProbabilitiesRow(p, prow, qBase + i0 + r, (long)p.QueryOffset + i0 + r, j0, valid))
                    {
                        prow.Clear();
                        dsrow.Clear();
                        continue;
                    }
                    any = true;
                    TensorPrimitives.Subtract(dsrow, delta[i0 + r], dsrow);   // dS = P ⊙ (dP − Δ)
                    TensorPrimitives.Multiply(dsrow, prow, dsrow);
                }
                if (!any) continue;
                TileGemm.Run(true, false, cols, d, rows, 1f, pr, Bc, dO, d, 1f, dv, d);        // dV += Pᵀ·dO
                TileGemm.Run(false, false, rows, d, cols, p.Scale, ds, Bc, k, d, 1f, dq, d);   // dQ += scale · dS·K
                TileGemm.Run(true, false, cols, d, rows, p.Scale, ds, Bc, q, d, 1f, dk, d);    // dK += scale · dSᵀ·Q
            }
        }
    }

    /// <summary>
    /// Row of P in place: exp(S − L) on the visible keys, 0 elsewhere. False when the row sees nothing in the tile or
    /// its L is −∞ (a fully masked row, which has no gradient).
    /// </summary>
    private static bool ProbabilitiesRow(in AttentionProblem p, Span<float> s, long lseRow, long position, int j0, byte* valid)
    {
        float lse = p.Lse[lseRow];
        var (a, b) = AttentionTiles.VisibleInTile(p, position, j0, s.Length);
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
