namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// a + b. The shapes are equal, or one (ignoring leading 1s) is a suffix of the other and is broadcast over
    /// the larger's leading dims: a bias [C] or position embeddings [T, C] added to [B, T, C], or a scalar; or one is
    /// the other's shape with the last dim 1 and adds one value per row: [B, T, 1] to [B, T, C], PyTorch's
    /// <c>x - x.mean(-1, keepdim=True)</c> (see <see cref="MeanLastAxis"/>).
    /// </summary>
    public static Tensor Add(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.SameBackend("Add", a, b);
        if (Shapes.Equal(a.Shape, b.Shape)) return AddSameShape(a, b);
        if (Broadcast.IsSuffix(b.Shape, a.Shape)) return AddBroadcast(a, b);
        if (Broadcast.IsSuffix(a.Shape, b.Shape)) return AddBroadcast(b, a);
        if (Broadcast.IsPerRow(b.Shape, a.Shape)) return AddPerRow(a, b);
        if (Broadcast.IsPerRow(a.Shape, b.Shape)) return AddPerRow(b, a);
        throw new ArgumentException(
            $"Add: a {Shapes.Format(a.Shape)} and b {Shapes.Format(b.Shape)} do not broadcast: " +
            "the shapes must be equal, one a suffix of the other, or one the other's shape with the last dim 1 ([.., 1]).");
    }

    private static Tensor AddSameShape(Tensor a, Tensor b)
    {
        var y = NewLike(a);
        a.Backend.Add(a.Data, b.Data, y.Data);
        return Graph.Record(y, "Add", [a, b], (a, b), static (s, dy) =>
        {
            if (s.a.RequiresGrad) s.a.Backend.Axpy(1f, dy, s.a.GradBuffer());
            if (s.b.RequiresGrad) s.b.Backend.Axpy(1f, dy, s.b.GradBuffer());
        });
    }

    // big [rows, cols] + small [cols], cols = small.Length
    private static Tensor AddBroadcast(Tensor big, Tensor small)
    {
        int cols = (int)small.Length, rows = cols == 0 ? 0 : (int)(big.Length / cols);
        var y = NewLike(big);
        big.Backend.AddRowBroadcast(big.Data, small.Data, y.Data, rows, cols);
        return Graph.Record(y, "Add", [big, small], (big, small, rows, cols), static (s, dy) =>
        {
            var backend = s.big.Backend;
            if (s.big.RequiresGrad) backend.Axpy(1f, dy, s.big.GradBuffer());
            if (s.small.RequiresGrad) backend.AddColumnSums(dy, s.small.GradBuffer(), s.rows, s.cols); // sum over broadcast rows
        });
    }
}
