namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// a ⊙ b (element-wise). Broadcasts like <see cref="Add"/>: equal shapes, or one a suffix of the other
    /// (a per-channel scale [C] over [B, T, C], a dropout-style mask, a scalar), or a per-row [.., 1] against [.., C]
    /// (a per-row scale such as LayerNorm's 1/σ).
    /// </summary>
    public static Tensor Mul(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.SameBackend("Mul", a, b);
        if (Shapes.Equal(a.Shape, b.Shape)) return MulSameShape(a, b);
        if (Broadcast.IsSuffix(b.Shape, a.Shape)) return MulBroadcast(a, b);
        if (Broadcast.IsSuffix(a.Shape, b.Shape)) return MulBroadcast(b, a);
        if (Broadcast.IsPerRow(b.Shape, a.Shape)) return MulPerRow(a, b);
        if (Broadcast.IsPerRow(a.Shape, b.Shape)) return MulPerRow(b, a);
        throw new ArgumentException(
            $"Mul: a {Shapes.Format(a.Shape)} and b {Shapes.Format(b.Shape)} do not broadcast: " +
            "the shapes must be equal, one a suffix of the other, or one the other's shape with the last dim 1 ([.., 1]).");
    }

    private static Tensor MulSameShape(Tensor a, Tensor b)
    {
        var y = NewLike(a);
        a.Backend.Mul(a.Data, b.Data, y.Data);
        return Graph.Record(y, "Mul", [a, b], (a, b), static (s, dy) =>
        {
            var (a, b) = s;
            var backend = a.Backend;
            using var term = new Scratch(dy.Length);
            if (a.RequiresGrad)
            {
                backend.Mul(dy, b.Data, term.Span); // da += dy ⊙ b
                backend.Axpy(1f, term.Span, a.GradBuffer());
            }
            if (b.RequiresGrad)
            {
                backend.Mul(dy, a.Data, term.Span); // db += dy ⊙ a
                backend.Axpy(1f, term.Span, b.GradBuffer());
            }
        });
    }

    // big [rows, cols] ⊙ small [cols]
    private static Tensor MulBroadcast(Tensor big, Tensor small)
    {
        int cols = (int)small.Length, rows = cols == 0 ? 0 : (int)(big.Length / cols);
        var y = NewLike(big);
        big.Backend.MulRowBroadcast(big.Data, small.Data, y.Data, rows, cols);
        return Graph.Record(y, "Mul", [big, small], (big, small, rows, cols), static (s, dy) =>
        {
            var (big, small, rows, cols) = s;
            var backend = big.Backend;
            using var term = new Scratch(dy.Length);
            if (big.RequiresGrad)
            {
                backend.MulRowBroadcast(dy, small.Data, term.Span, rows, cols); // dbig += dy ⊙ small
                backend.Axpy(1f, term.Span, big.GradBuffer());
            }
            if (small.RequiresGrad)
            {
                backend.Mul(dy, big.Data, term.Span); // dsmall += Σ_rows dy ⊙ big
                backend.AddColumnSums(term.Span, small.GradBuffer(), rows, cols);
            }
        });
    }
}
