using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// FlashAttention-2's forward pass for one block of query rows of one group: the rows' outputs are built tile by
/// tile over the keys with the online softmax (a running max m and sum l per row; when m grows, what is already
/// summed is rescaled by exp(m_old − m_new)), so only [Br, Bc] scores exist at a time. Key tiles the mask hides
/// from every row of the block (the causal future, behind the window, all padding) are never touched.
/// </summary>
internal static unsafe class FlashForward<TVector, TLanes>
    where TVector : unmanaged
    where TLanes : struct, ISimdLanes<TVector>
{
    /// <summary>Query rows per block (Br).</summary>
    public const int QueryTile = 32;

    /// <summary>Keys per tile (Bc): four registers, the width of <see cref="PanelProduct{TVector, TLanes}"/>'s wide path.</summary>
    public static int KeyTile => 4 * TLanes.Count;

    /// <summary>D rounded up to whole registers.</summary>
    public static int PaddedDim(int d) => (d + TLanes.Count - 1) / TLanes.Count * TLanes.Count;

    /// <summary>Scratch floats one block needs: Qs, O [Br, Dp]; Kt [D, Bc]; Vs [Bc, Dp]; S [Br, Bc]; m, l [Br].</summary>
    public static long ScratchFloats(int d)
    {
        long dp = PaddedDim(d), bc = KeyTile;
        return 2L * QueryTile * dp + d * bc + bc * dp + QueryTile * bc + 2 * QueryTile;
    }

    /// <summary>Rows [i0, i0 + Br) of group g: o and lse for those rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(in AttentionProblem p, int g, int i0)
    {
        int d = p.D, dp = PaddedDim(d), bc = KeyTile;
        int rows = Math.Min(QueryTile, p.Tq - i0), even = (rows + 1) & ~1;
        float* qs = AttentionScratch.Get(ScratchFloats(d));  // [Br, Dp] scale · q
        float* acc = qs + QueryTile * dp;                     // [Br, Dp] unnormalised O
        float* kt = acc + QueryTile * dp;                     // [D, Bc] K tile, transposed
        float* vs = kt + d * bc;                              // [Bc, Dp] V tile
        float* s = vs + bc * dp;                              // [Br, Bc] scores, then probabilities
        float* m = s + QueryTile * bc;                        // [Br] running max
        float* l = m + QueryTile;                             // [Br] running sum

        long qRow = (long)g * p.Tq + i0;
        AttentionTiles.LoadRows(p.Q + qRow * d, rows, d, qs, dp, even, p.Scale);
        new Span<float>(acc, even * dp).Clear();
        new Span<float>(m, rows).Fill(float.NegativeInfinity);
        new Span<float>(l, rows).Clear();

        // Keys any row of the block sees: from the first row's window start to the last row's causal end.
        long first = (long)p.QueryOffset + i0;
        int lo = p.FirstKey(first), hi = p.EndKey(first + rows - 1);
        byte* valid = p.ValidKeys(g);
        long kBase = (long)g * p.Tk;
        for (int j0 = lo; j0 < hi; j0 += bc)
        {
            int cols = Math.Min(bc, hi - j0);
            if (!AttentionProblem.AnyValid(valid, j0, j0 + cols)) continue;
            AttentionTiles.LoadTransposed(p.K + (kBase + j0) * d, cols, d, kt, bc);
            AttentionTiles.LoadRows(p.V + (kBase + j0) * d, cols, d, vs, dp, bc, 1f);

            PanelProduct<TVector, TLanes>.Multiply(qs, dp, kt, bc, s, bc, even, d, bc, accumulate: false); // S = Qs·Ktᵀ
            for (int r = 0; r < even; r++)
            {
                var sr = new Span<float>(s + r * bc, bc);
                if (r >= rows || !OnlineSoftmaxRow(p, sr, first + r, j0, cols, valid, ref m[r], ref l[r], out float rescale))
                {
                    sr.Clear();   // padded or fully hidden row: adds nothing
                    continue;
                }
                if (rescale != 1f) TensorPrimitives.Multiply(new Span<float>(acc + r * dp, dp), rescale, new Span<float>(acc + r * dp, dp));
            }
            PanelProduct<TVector, TLanes>.Multiply(s, bc, vs, dp, acc, dp, even, cols, dp, accumulate: true); // O += P·V
        }

        for (int r = 0; r < rows; r++)
        {
            var o = new Span<float>(p.O + (qRow + r) * d, d);
            if (l[r] == 0f)
            {
                o.Clear();    // no visible key: the masked softmax's all-zero row
                p.Lse[qRow + r] = float.NegativeInfinity;
                continue;
            }
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(acc + r * dp, d), 1f / l[r], o);
            p.Lse[qRow + r] = m[r] + MathF.Log(l[r]);
        }
    }

    /// <summary>
    /// One row of the tile: masks the scores in place (−∞), turns them into exp(s − m_new), and updates the row's
    /// running max and sum. Returns false when no key of the tile is visible to the row (the row is left to clear);
    /// <paramref name="rescale"/> = exp(m_old − m_new) is what the row's accumulated output must be multiplied by.
    /// </summary>
    private static bool OnlineSoftmaxRow(in AttentionProblem p, Span<float> s, long position, int j0, int cols,
        byte* valid, ref float m, ref float l, out float rescale)
    {
        rescale = 1f;
        var (a, b) = AttentionTiles.VisibleInTile(p, position, j0, cols);
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
