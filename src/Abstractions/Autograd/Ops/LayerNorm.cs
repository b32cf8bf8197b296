namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// LayerNorm over the last axis, as <c>torch.nn.functional.layer_norm</c>: x [.., C], gamma [C], beta [C] or
    /// null (nanoGPT's bias=False) → [.., C]. Biased variance; mean and rstd are saved for the backward pass.
    /// </summary>
    public static Tensor LayerNorm(this Tensor x, Tensor gamma, Tensor? beta, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        var (rows, cols) = Shapes.RowsByLastAxis(x, "LayerNorm");
        CheckChannelVector("LayerNorm", "gamma", x, gamma, cols);
        if (beta is not null) CheckChannelVector("LayerNorm", "beta", x, beta, cols);

        var y = NewLike(x);
        float[] mean = TensorArena.Allocate(rows), rstd = TensorArena.Allocate(rows);
        x.Backend.LayerNorm(x.Data, gamma.Data, beta is null ? default : beta.Data, y.Data, mean, rstd, rows, cols, eps);

        ReadOnlySpan<Tensor> inputs = beta is null ? [x, gamma] : [x, gamma, beta];
        return Graph.Record(y, "LayerNorm", inputs, (x, gamma, beta, mean, rstd, rows, cols), static (s, dy) =>
        {
            var (x, gamma, beta, mean, rstd, rows, cols) = s;
            // The kernel writes all gradients at once; inputs that need none get a throwaway buffer.
            var dx = x.RequiresGrad ? x.GradBuffer() : TensorArena.Allocate(x.Length);
            var dgamma = gamma.RequiresGrad ? gamma.GradBuffer() : TensorArena.Allocate(cols);
            var dbeta = beta is null ? Span<float>.Empty : beta.RequiresGrad ? beta.GradBuffer() : TensorArena.Allocate(cols);
            x.Backend.LayerNormBackward(dy, x.Data, gamma.Data, mean, rstd, dx, dgamma, dbeta, rows, cols);
        });
    }

    private static void CheckChannelVector(string op, string name, Tensor x, Tensor v, int cols)
    {
        Shapes.SameBackend(op, x, v);
        if (v.Rank != 1 || v.Length != cols)
            throw new ArgumentException($"{op}: {name} {Shapes.Format(v.Shape)} must be [{cols}] for x {Shapes.Format(x.Shape)}.", name);
    }
}
