namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Elements [start, start + length) along <paramref name="axis"/> (negative counts from the end), copied:
    /// <c>qkv.Narrow(-1, C, C)</c> is k of a fused (B, T, 3C) projection.
    /// </summary>
    public static Tensor Narrow(this Tensor x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Axis("Narrow", x, axis);
        int dim = x.Shape[ax];
        if (start < 0 || length < 0 || start + length > dim)
            throw new ArgumentException(
                $"Narrow: [{start}, {start + length}) is outside axis {axis} (size {dim}) of {Shapes.Format(x.Shape)}.");

        int outer = Shapes.Product(x.Shape.AsSpan(0, ax)), inner = Shapes.Product(x.Shape.AsSpan(ax + 1));
        int block = length * inner; // contiguous run copied from each outer slice
        Span<int> shape = stackalloc int[x.Rank];
        x.Shape.CopyTo(shape);
        shape[ax] = length;
        var y = NewLike(x, shape);
        for (int o = 0; o < outer; o++)
            x.Data.AsSpan((o * dim + start) * inner, block).CopyTo(y.Data.AsSpan(o * block, block));
        return Graph.Record(y, "Narrow", [x], (x, outer, dim, start, inner, block), static (s, dy) =>
        {
            var (x, outer, dim, start, inner, block) = s;
            var dx = x.GradBuffer(); // dx[.., start:start+length, ..] += dy
            for (int o = 0; o < outer; o++)
                x.Backend.Axpy(1f, dy.AsSpan(o * block, block), dx.AsSpan((o * dim + start) * inner, block));
        });
    }

    /// <summary>
    /// Splits <paramref name="axis"/> into pieces of <paramref name="size"/> (the last may be shorter), like
    /// <c>torch.split</c>: <c>var qkv = x.Linear(w).Split(C, -1)</c> → q, k, v. A composite of <see cref="Narrow"/>.
    /// </summary>
    public static Tensor[] Split(this Tensor x, int size, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "Split: size must be positive.");
        int dim = x.Shape[Axis("Split", x, axis)];
        var pieces = new Tensor[(dim + size - 1) / size];
        for (int i = 0; i < pieces.Length; i++)
            pieces[i] = Narrow(x, axis, i * size, Math.Min(size, dim - i * size));
        return pieces;
    }

    /// <summary>Resolves a possibly negative axis of x, or throws naming it.</summary>
    private static int Axis(string op, Tensor x, int axis)
    {
        int ax = axis < 0 ? axis + x.Rank : axis;
        if (ax < 0 || ax >= x.Rank)
            throw new ArgumentException($"{op}: axis {axis} is out of range for {Shapes.Format(x.Shape)}.", nameof(axis));
        return ax;
    }
}
