namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>Σ of every element → scalar.</summary>
    public static Tensor Sum(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Scalar(x.Backend, 0f);
        int n = (int)x.Length;
        if (n > 0) x.Backend.SumLastAxis(x.Data, y.Data, 1, n);
        return Graph.Record(y, "Sum", [x], x, static (x, dy) =>
        {
            using var ones = new Scratch(x.Length); // dx += dy · 1
            ones.Span.Fill(1f);
            x.Backend.Axpy(dy[0], ones.Span, x.GradBuffer());
        });
    }

    /// <summary>Mean of every element → scalar.</summary>
    public static Tensor Mean(this Tensor x) => Scale(Sum(x), 1f / x.Length);

    /// <summary>Σ over the last axis: [.., C] → [..].</summary>
    public static Tensor SumLastAxis(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (rows, cols) = Shapes.RowsByLastAxis(x, "SumLastAxis");
        var y = NewLike(x, x.Shape.AsSpan(..^1));
        x.Backend.SumLastAxis(x.Data, y.Data, rows, cols);
        return Graph.Record(y, "SumLastAxis", [x], (x, rows, cols), static (s, dy) =>
        {
            var (x, rows, cols) = s;
            // dx [rows, cols] += dy [rows, 1] · ones [1, cols]: an outer product broadcasts dy along each row
            using var ones = new Scratch(cols);
            ones.Span.Fill(1f);
            x.Backend.Gemm(false, false, rows, cols, 1, 1f, dy, 1, ones.Span, cols, 1f, x.GradBuffer(), cols);
        });
    }

    /// <summary>
    /// Σ over the last axis, keeping it as size 1 when <paramref name="keepDim"/>: [.., C] → [.., 1] (PyTorch's
    /// <c>x.sum(-1, keepdim=True)</c>), which <see cref="Add"/> and <see cref="Mul"/> broadcast back against [.., C].
    /// </summary>
    public static Tensor SumLastAxis(this Tensor x, bool keepDim) =>
        keepDim ? KeepLastDim(SumLastAxis(x), x) : SumLastAxis(x);

    /// <summary>
    /// Mean over the last axis: [.., C] → [..], or [.., 1] when <paramref name="keepDim"/>
    /// (<c>x.mean(-1, keepdim=True)</c>; LayerNorm's mean and variance).
    /// </summary>
    public static Tensor MeanLastAxis(this Tensor x, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (_, cols) = Shapes.RowsByLastAxis(x, "MeanLastAxis");
        return Scale(SumLastAxis(x, keepDim), 1f / cols);
    }

    /// <summary>A reduction's result [..] viewed as [.., 1] for an input of <paramref name="like"/>'s rank.</summary>
    private static Tensor KeepLastDim(Tensor reduced, Tensor like)
    {
        Span<int> shape = stackalloc int[like.Rank];
        like.Shape.CopyTo(shape);
        shape[^1] = 1;
        return Reshape(reduced, shape);
    }
}
