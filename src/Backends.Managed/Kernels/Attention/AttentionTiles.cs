namespace LlmForge.Backends.Managed;

/// <summary>Copies of the attention tiles into the padded layouts <see cref="PanelProduct{TVector, TLanes}"/> reads.</summary>
internal static unsafe class AttentionTiles
{
    /// <summary>
    /// dst [padRows, ldd] = scale · src [rows, d] (row stride d), with columns d..ldd and rows rows..padRows zero,
    /// so padded lanes add nothing to a product.
    /// </summary>
    public static void LoadRows(float* src, int rows, int d, float* dst, int ldd, int padRows, float scale)
    {
        for (int r = 0; r < padRows; r++)
        {
            var to = new Span<float>(dst + (long)r * ldd, ldd);
            if (r < rows)
            {
                var from = new ReadOnlySpan<float>(src + (long)r * d, d);
                if (scale == 1f) from.CopyTo(to);
                else System.Numerics.Tensors.TensorPrimitives.Multiply(from, scale, to[..d]);
                to[d..].Clear();
            }
            else
            {
                to.Clear();
            }
        }
    }

    /// <summary>dst [d, ldd] = src [cols, d]ᵀ, with columns cols..ldd zero (a K or V tile turned so keys run along rows).</summary>
    public static void LoadTransposed(float* src, int cols, int d, float* dst, int ldd)
    {
        for (int dd = 0; dd < d; dd++)
        {
            float* to = dst + (long)dd * ldd;
            float* from = src + dd;
            int t = 0;
            for (; t < cols; t++, from += d) to[t] = *from;
            for (; t < ldd; t++) to[t] = 0f;
        }
    }

    /// <summary>dst [cols, ldd] = src [rows, lds][:, :cols]ᵀ (P or dS turned for the dV and dK products).</summary>
    public static void Transpose(float* src, int rows, int lds, int cols, float* dst, int ldd)
    {
        for (int r = 0; r < rows; r++)
        {
            float* from = src + (long)r * lds;
            float* to = dst + r;
            for (int t = 0; t < cols; t++, to += ldd) *to = from[t];
        }
    }

    /// <summary>Row r's visible run [a, b) within the key tile [j0, j0 + cols), before padding.</summary>
    public static (int A, int B) VisibleInTile(in AttentionProblem p, long position, int j0, int cols) =>
        (Math.Max(p.FirstKey(position) - j0, 0), Math.Min(p.EndKey(position) - j0, cols));
}
