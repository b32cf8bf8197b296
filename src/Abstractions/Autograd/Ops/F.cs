namespace LlmForge.Autograd;

/// <summary>
/// The differentiable ops, like <c>torch.nn.functional</c>: <c>F.Linear(x, w, b)</c>, also callable as
/// extension methods (<c>x.MatMul(w)</c>, <c>x.Reshape(B, T, C)</c>). One file per primitive under Ops/
/// holds its forward and, beside it, its backward closure; composites (Sub, Neg, Mean) are built from
/// primitives and need no backward of their own. Every computation runs on the input's backend kernels.
/// </summary>
public static partial class F
{
    /// <summary>A tensor on <paramref name="like"/>'s backend over a new zeroed buffer of <paramref name="shape"/> (from the open <see cref="TensorArena"/> step, if any).</summary>
    private static Tensor NewLike(Tensor like, int[] shape) =>
        new(like.Backend, TensorArena.Allocate(Shapes.Count(shape, nameof(shape))), shape);
}
