namespace LlmForge.Autograd;

// The keepdim broadcast of Add and Mul: big [.., C] with small [.., 1], one value per row of big
// (PyTorch's x - x.mean(-1, keepdim=True)). big reads as [rows, cols] and small as [rows].
public static partial class F
{
    // big [rows, cols] + small [rows, 1]
    private static Tensor AddPerRow(Tensor big, Tensor small)
    {
        var (rows, cols) = Shapes.RowsByLastAxis(big, "Add");
        var y = NewLike(big);
        big.Backend.AddColumnBroadcast(big.Data, small.Data, y.Data, rows, cols);
        return Graph.Record(y, "Add", [big, small], (big, small, rows, cols), static (s, dy) =>
        {
            var (big, small, rows, cols) = s;
            var backend = big.Backend;
            if (big.RequiresGrad) backend.Axpy(1f, dy, big.GradBuffer());
            if (small.RequiresGrad) AccumulateRowSums(backend, dy, small.GradBuffer(), rows, cols); // dsmall[r] += Σ_c dy[r, c]
        });
    }

    // big [rows, cols] ⊙ small [rows, 1]
    private static Tensor MulPerRow(Tensor big, Tensor small)
    {
        var (rows, cols) = Shapes.RowsByLastAxis(big, "Mul");
        var y = NewLike(big);
        big.Backend.MulColumnBroadcast(big.Data, small.Data, y.Data, rows, cols);
        return Graph.Record(y, "Mul", [big, small], (big, small, rows, cols), static (s, dy) =>
        {
            var (big, small, rows, cols) = s;
            var backend = big.Backend;
            using var term = new Scratch(dy.Length);
            if (big.RequiresGrad)
            {
                backend.MulColumnBroadcast(dy, small.Data, term.Span, rows, cols); // dbig[r, c] += dy[r, c] · small[r]
                backend.Axpy(1f, term.Span, big.GradBuffer());
            }
            if (small.RequiresGrad)
            {
                backend.Mul(dy, big.Data, term.Span); // dsmall[r] += Σ_c dy[r, c] · big[r, c]
                AccumulateRowSums(backend, term.Span, small.GradBuffer(), rows, cols);
            }
        });
    }

    /// <summary>g[r] += Σ_c x[r, c] (SumLastAxis overwrites, so through a scratch row).</summary>
    private static void AccumulateRowSums(Backends.ITensorBackend backend, ReadOnlySpan<float> x, Span<float> g, int rows, int cols)
    {
        using var sums = new Scratch(rows);
        backend.SumLastAxis(x, sums.Span, rows, cols);
        backend.Axpy(1f, sums.Span, g[..rows]);
    }
}
