namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// RMSNorm over the last axis (LLaMA): y = x / √(mean(x²) + eps) · gamma, x [.., C], gamma [C].
    /// rstd is saved for the backward pass.
    /// </summary>
    public static Tensor RmsNorm(this Tensor x, Tensor gamma, float eps = 1e-6f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        var (rows, cols) = Shapes.RowsByLastAxis(x, "RmsNorm");
        CheckChannelVector("RmsNorm", "gamma", x, gamma, cols);

        var backend = x.Backend;
        var y = NewLike(x, (int[])x.Shape.Clone());
        var rstd = TensorArena.Allocate(rows);
        backend.RmsNorm(x.Data, gamma.Data, y.Data, rstd, rows, cols, eps);
        return Graph.Record(y, "RmsNorm", [x, gamma], dy =>
        {
            var dx = x.RequiresGrad ? x.GradBuffer() : TensorArena.Allocate(x.Length);
            var dgamma = gamma.RequiresGrad ? gamma.GradBuffer() : TensorArena.Allocate(cols);
            backend.RmsNormBackward(dy, x.Data, gamma.Data, rstd, dx, dgamma, rows, cols);
        });
    }
}
