using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LlmForge.Backends.Managed;

/// <summary>
/// FlashAttention-2's forward pass for one block of query rows of one group: the rows' outputs are built tile by
/// tile over the keys with the online softmax (a running max m and sum l per row; when m grows, what is already
/// summed is rescaled by exp(m_old − m_new)), so only [Br, Bc] scores exist at a time. Key tiles the mask hides
/// from every row of the block (the causal future, behind the window, all padding) are never touched.
/// </summary>
internal static unsafe class FlashForward
{
    /// <summary>Scratch floats one block needs: S [Br, Bc]; m, l [Br].</summary>
    private const int ScratchFloats = AttentionTiles.QueryTile * AttentionTiles.KeyTile + 2 * AttentionTiles.QueryTile;

    /// <summary>Rows [i0, i0 + Br) of group g: their o rows (used as the accumulator) and lse entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(in AttentionProblem p, int g, int i0)
    {
        const int bc = AttentionTiles.KeyTile;
        int d = p.D, rows = Math.Min(AttentionTiles.QueryTile, p.Tq - i0);
        float* s = AttentionScratch.Get(ScratchFloats);    // [Br, Bc] scores, then probabilities
        float* m = s + AttentionTiles.QueryTile * bc;       // [Br] running max
        float* l = m + AttentionTiles.QueryTile;            // [Br] running sum

        long qRow = (long)g * p.Tq + i0, kBase = p.KeyBase(g);
        float* q = p.Q + qRow * d, o = p.O + qRow * d;      // [rows, D] each; o accumulates P·V unnormalised
        new Span<float>(o, rows * d).Clear();
        new Span<float>(m, rows).Fill(float.NegativeInfinity);
        new Span<float>(l, rows).Clear();

        var (lo, hi) = AttentionTiles.BlockKeys(p, i0, rows);
        byte* valid = p.ValidKeys(g);
        long first = (long)p.QueryOffset + i0;
        for (int j0 = lo; j0 < hi; j0 += bc)
        {
            int cols = Math.Min(bc, hi - j0);
            if (!AttentionProblem.AnyValid(valid, j0, j0 + cols)) continue;
            float* k = p.K + (kBase + j0) * d, v = p.V + (kBase + j0) * d;   // [cols, D] each
            TileGemm.Run(false, true, rows, cols, d, p.Scale, q, d, k, d, 0f, s, bc);   // S = scale · Q·Kᵀ
            for (int r = 0; r < rows; r++)
            {
                var sr = new Span<float>(s + r * bc, cols);
                if (!OnlineSoftmaxRow(p, sr, first + r, j0, valid, ref m[r], ref l[r], out float rescale))
                {
                    sr.Clear();   // the row sees nothing in this tile: adds nothing
                    continue;
                }
                if (rescale != 1f)
                {
                    var orow = new Span<float>(o + r * d, d);
                    TensorPrimitives.Multiply(orow, rescale, orow);
                }
            }
            TileGemm.Run(false, false, rows, d, cols, 1f, s, bc, v, d, 1f, o, d);       // O += P·V
        }

        for (int r = 0; r < rows; r++)
        {
            var orow = new Span<float>(o + r * d, d);
            if (l[r] == 0f)
            {
                orow.Clear();    // no visible key: the masked softmax's all-zero row
                p.Lse[qRow + r] = float.NegativeInfinity;
                continue;
            }
            TensorPrimitives.Multiply(orow, 1f / l[r], orow);
            p.Lse[qRow + r] = m[r] + MathF.Log(l[r]);
        }
    }

    /// <summary>
    /// One row of the tile: masks the scores in place (−∞), turns them into exp(s − m_new), and updates the row's
    /// running max and sum. Returns false when no key of the tile is visible to the row (the row is left to clear);
    /// <paramref name="rescale"/> = exp(m_old − m_new) is what the row's accumulated output must be multiplied by.
    /// </summary>
    private static bool OnlineSoftmaxRow(in AttentionProblem p, Span<float> s, long position, int j0,
        byte* valid, ref float m, ref float l, out float rescale)
    {
        rescale = 1f;
        var (a, b) = AttentionTiles.VisibleInTile(p, position, j0, s.Length);
        if (a >= b) return false;
        s[..a].Fill(float.NegativeInfinity);
        s[b..].Fill(float.NegativeInfinity);
        if (valid != null)
            for (int t = a; t < b; t++)
                if (valid[j0 + t] == 0) s[t] = float.NegativeInfinity;
        float max = TensorPrimitives.Max(s[a..b]);
        if (float.IsNegativeInfinity(max)) return false;

        float mNew = Math.Max(m, max);
        rescale = MathF.Exp(m - mNew);   // m = −∞ on the row's first tile: 0 · (an all-zero accumulator)
        TensorPrimitives.Subtract(s, mNew, s);
        TensorPrimitives.Exp(s, s);      // exp(−∞) = 0 for the masked entries
        l = l * rescale + TensorPrimitives.Sum(s[a..b]);
        m = mNew;
        return true;
    }
}
