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

        var y = NewLike(x);
        var rstd = TensorArena.Allocate(rows);
        x.Backend.RmsNorm(x.Data, gamma.Data, y.Data, rstd, rows, cols, eps);
        return Graph.Record(y, "RmsNorm", [x, gamma], (x, gamma, rstd, rows, cols), static (s, dy) =>
        {
            var (x, gamma, rstd, rows, cols) = s;
            var dx = x.RequiresGrad ? x.GradBuffer() : TensorArena.Allocate(x.Length);
            var dgamma = gamma.RequiresGrad ? gamma.GradBuffer() : TensorArena.Allocate(cols);
            x.Backend.RmsNormBackward(dy, x.Data, gamma.Data, rstd, dx, dgamma, rows, cols);
        });
    }
}
