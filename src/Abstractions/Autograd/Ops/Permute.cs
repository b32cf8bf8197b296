namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Reorders the axes (a copy): output axis i is input axis perm[i]. Splitting heads is
    /// <c>x.Reshape(B, T, nh, hs).Permute(0, 2, 1, 3)</c> → (B, nh, T, hs). Up to 6 axes.
    /// </summary>
    public static Tensor Permute(this Tensor x, params int[] perm)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(perm);
        var seen = new bool[x.Rank];
        bool valid = perm.Length == x.Rank;
        for (int i = 0; valid && i < perm.Length; i++)
        {
            valid = perm[i] >= 0 && perm[i] < x.Rank && !seen[perm[i]];
            if (valid) seen[perm[i]] = true;
        }
        if (!valid)
            throw new ArgumentException(
                $"Permute: {Shapes.Format(perm)} is not a permutation of the {x.Rank} axes of {Shapes.Format(x.Shape)}.", nameof(perm));

        var backend = x.Backend;
        var inShape = (int[])x.Shape.Clone();
        var order = (int[])perm.Clone();
        var outShape = new int[x.Rank];
        var inverse = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            outShape[i] = inShape[order[i]];
            inverse[order[i]] = i;
        }
        var y = NewLike(x, outShape);
        backend.Permute(x.Data, inShape, order, y.Data);
        return Graph.Record(y, "Permute", [x], dy =>
        {
            using var term = new Scratch(dy.Length); // dx = dy permuted back
            backend.Permute(dy, outShape, inverse, term.Span);
            backend.Axpy(1f, term.Span, x.GradBuffer());
        });
    }

    /// <summary>Swaps two axes (negative counts from the end): <c>k.Transpose(-2, -1)</c>.</summary>
    public static Tensor Transpose(this Tensor x, int dim0, int dim1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d0 = dim0 < 0 ? dim0 + x.Rank : dim0, d1 = dim1 < 0 ? dim1 + x.Rank : dim1;
        if (d0 < 0 || d0 >= x.Rank || d1 < 0 || d1 >= x.Rank)
            throw new ArgumentException($"Transpose: axes {dim0} and {dim1} are out of range for {Shapes.Format(x.Shape)}.");
        var perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        return Permute(x, perm);
    }
}
