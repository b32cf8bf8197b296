namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// a + b. The shapes are equal, or one (ignoring leading 1s) is a suffix of the other and is broadcast over
    /// the larger's leading dims: a bias [C] or position embeddings [T, C] added to [B, T, C], or a scalar.
    /// </summary>
    public static Tensor Add(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.SameBackend("Add", a, b);
        if (Shapes.Equal(a.Shape, b.Shape)) return AddSameShape(a, b);
        if (Broadcast.IsSuffix(b.Shape, a.Shape)) return AddBroadcast(a, b);
        if (Broadcast.IsSuffix(a.Shape, b.Shape)) return AddBroadcast(b, a);
        throw new ArgumentException(
            $"Add: a {Shapes.Format(a.Shape)} and b {Shapes.Format(b.Shape)} do not broadcast: " +
            "the shapes must be equal or one must be a suffix of the other.");
    }

    private static Tensor AddSameShape(Tensor a, Tensor b)
    {
        var backend = a.Backend;
        var y = NewLike(a, (int[])a.Shape.Clone());
        backend.Add(a.Data, b.Data, y.Data);
        return Graph.Record(y, "Add", [a, b], dy =>
        {
            if (a.RequiresGrad) backend.Axpy(1f, dy, a.GradBuffer());
            if (b.RequiresGrad) backend.Axpy(1f, dy, b.GradBuffer());
        });
    }

    // big [rows, cols] + small [cols], cols = small.Length
    private static Tensor AddBroadcast(Tensor big, Tensor small)
    {
        var backend = big.Backend;
        int cols = (int)small.Length, rows = cols == 0 ? 0 : (int)(big.Length / cols);
        var y = NewLike(big, (int[])big.Shape.Clone());
        backend.AddRowBroadcast(big.Data, small.Data, y.Data, rows, cols);
        return Graph.Record(y, "Add", [big, small], dy =>
        {
            if (big.RequiresGrad) backend.Axpy(1f, dy, big.GradBuffer());
            if (small.RequiresGrad) backend.AddColumnSums(dy, small.GradBuffer(), rows, cols); // sum over broadcast rows
        });
    }
}
