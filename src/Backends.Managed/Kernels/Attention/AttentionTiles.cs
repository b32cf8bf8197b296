namespace LlmForge.Backends.Managed;

/// <summary>
/// How the fused attention kernels cut a group's [Tq, Tk] score plane: blocks of <see cref="QueryTile"/> query rows
/// against tiles of up to <see cref="KeyTile"/> keys, only over the keys some row of the block can see.
/// </summary>
internal static class AttentionTiles
{
    /// <summary>Query rows per block (Br).</summary>
    public const int QueryTile = 64;

    /// <summary>Keys per tile (Bc): wide enough that each GEMM call and each row's softmax step amortise their overhead.</summary>
    public const int KeyTile = 256;

    /// <summary>
    /// The keys [lo, hi) that some row of the block starting at query row <paramref name="i0"/> (with
    /// <paramref name="rows"/> rows) sees: from the first row's window start to the last row's causal end.
    /// </summary>
    public static (int Lo, int Hi) BlockKeys(in AttentionProblem p, int i0, int rows)
    {
        long first = (long)p.QueryOffset + i0;
        return (p.FirstKey(first), p.EndKey(first + rows - 1));
    }

    /// <summary>Row r's visible run [a, b) within the key tile [j0, j0 + cols), before padding.</summary>
    public static (int A, int B) VisibleInTile(in AttentionProblem p, long position, int j0, int cols) =>
        (Math.Max(p.FirstKey(position) - j0, 0), Math.Min(p.EndKey(position) - j0, cols));
}
