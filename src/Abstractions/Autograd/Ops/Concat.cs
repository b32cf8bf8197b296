namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Joins tensors along <paramref name="axis"/> (negative counts from the end); every other dim must agree.
    /// A KV cache appends the new keys: <c>F.Concat(-2, pastK, k)</c> on (B, nh, T, hs).
    /// </summary>
    public static Tensor Concat(int axis, params Tensor[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("Concat: needs at least one tensor.", nameof(parts));
        var first = parts[0];
        int ax = Axis("Concat", first, axis);
        int total = 0;
        foreach (var p in parts)
        {
            Shapes.SameBackend("Concat", first, p);
            bool fits = p.Rank == first.Rank;
            for (int d = 0; fits && d < p.Rank; d++) fits = d == ax || p.Shape[d] == first.Shape[d];
            if (!fits)
                throw new ArgumentException(
                    $"Concat: {Shapes.Format(p.Shape)} does not match {Shapes.Format(first.Shape)} outside axis {axis}.", nameof(parts));
            total += p.Shape[ax];
        }

        int outer = Shapes.Product(first.Shape.AsSpan(0, ax)), inner = Shapes.Product(first.Shape.AsSpan(ax + 1));
        int outBlock = total * inner;
        Span<int> shape = stackalloc int[first.Rank];
        first.Shape.CopyTo(shape);
        shape[ax] = total;
        var y = NewLike(first, shape);
        for (int o = 0, offset = 0; o < outer; o++)
            foreach (var p in parts)
            {
                int block = p.Shape[ax] * inner;
                p.Data.AsSpan(o * block, block).CopyTo(y.Data.AsSpan(offset, block));
                offset += block;
            }
        if (!Graph.Records(parts)) return y;

        var inputs = (Tensor[])parts.Clone(); // the caller may reuse its array before Backward()
        return Graph.Record(y, "Concat", inputs, (inputs, ax, outer, inner, outBlock), static (s, dy) =>
        {
            var (inputs, ax, outer, inner, outBlock) = s;
            for (int o = 0; o < outer; o++)
            {
                int offset = o * outBlock;
                foreach (var p in inputs)
                {
                    int block = p.Shape[ax] * inner;
                    if (p.RequiresGrad) p.Backend.Axpy(1f, dy.AsSpan(offset, block), p.GradBuffer().AsSpan(o * block, block));
                    offset += block;
                }
            }
        });
    }
}
