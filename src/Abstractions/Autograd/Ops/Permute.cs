namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Reorders the axes (a copy): output axis i is input axis perm[i]. Splitting heads is
    /// <c>x.Reshape(B, T, nh, hs).Permute(0, 2, 1, 3)</c> → (B, nh, T, hs). Up to 6 axes.
    /// </summary>
    public static Tensor Permute(this Tensor x, params ReadOnlySpan<int> perm)
    {
        ArgumentNullException.ThrowIfNull(x);
        Span<bool> seen = stackalloc bool[x.Rank];
        bool valid = perm.Length == x.Rank;
        for (int i = 0; valid && i < perm.Length; i++)
        {
            valid = perm[i] >= 0 && perm[i] < x.Rank && !seen[perm[i]];
            if (valid) seen[perm[i]] = true;
        }
        if (!valid)
            throw new ArgumentException(
                $"Permute: {Shapes.Format(perm)} is not a permutation of the {x.Rank} axes of {Shapes.Format(x.Shape)}.", nameof(perm));

        Span<int> outShape = stackalloc int[x.Rank];
        for (int i = 0; i < x.Rank; i++) outShape[i] = x.Shape[perm[i]];
        var y = NewUninitialized(x, outShape); // the permute writes every element
        x.Backend.Permute(x.Data, x.Shape, perm, y.Data);
        if (!Graph.Records([x])) return y;

        var inverse = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++) inverse[perm[i]] = i;
        return Graph.Record(y, "Permute", [x], (x, y, inverse), static (s, dy) =>
        {
            var (x, y, inverse) = s;
            using var term = new Scratch(dy.Length); // dx = dy permuted back
            x.Backend.Permute(dy, y.Shape, inverse, term.Span);
            x.Backend.Axpy(1f, term.Span, x.GradBuffer());
        });
    }

    /// <summary>Swaps two axes (negative counts from the end): <c>k.Transpose(-2, -1)</c>.</summary>
    public static Tensor Transpose(this Tensor x, int dim0, int dim1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d0 = dim0 < 0 ? dim0 + x.Rank : dim0, d1 = dim1 < 0 ? dim1 + x.Rank : dim1;
        if (d0 < 0 || d0 >= x.Rank || d1 < 0 || d1 >= x.Rank)
            throw new ArgumentException($"Transpose: axes {dim0} and {dim1} are out of range for {Shapes.Format(x.Shape)}.");
        Span<int> perm = stackalloc int[x.Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        return Permute(x, perm);
    }
}
