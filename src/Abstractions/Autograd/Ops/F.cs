namespace LlmForge.Autograd;

/// <summary>
/// The differentiable ops, like <c>torch.nn.functional</c>: <c>F.Linear(x, w, b)</c>, also callable as
/// extension methods (<c>x.MatMul(w)</c>, <c>x.Reshape(B, T, C)</c>). One file per primitive under Ops/
/// holds its forward and, beside it, its backward pass: a static lambda over what the op saved for it
/// (see <see cref="Graph.Record{TState}"/>). Composites (Sub, Neg, Mean) are built from primitives and need no
/// backward of their own. Every computation runs on the input's backend kernels.
/// </summary>
public static partial class F
{
    /// <summary>
    /// A tensor on <paramref name="like"/>'s backend over a new zeroed buffer of <paramref name="shape"/> (buffer and
    /// header from the open <see cref="TensorArena"/> step, if any).
    /// </summary>
    private static Tensor NewLike(Tensor like, ReadOnlySpan<int> shape) =>
        TensorArena.NewTensor(like.Backend, TensorArena.Allocate(Shapes.Count(shape, nameof(shape))), shape);

    /// <summary>A new tensor of <paramref name="like"/>'s shape.</summary>
    private static Tensor NewLike(Tensor like) => NewLike(like, like.Shape);

    /// <summary>A new tensor of <paramref name="like"/>'s shape with the last dim <paramref name="last"/>: [.., last].</summary>
    private static Tensor NewWithLastDim(Tensor like, int last)
    {
        Span<int> shape = stackalloc int[like.Rank];
        like.Shape.CopyTo(shape);
        shape[^1] = last;
        return NewLike(like, shape);
    }
}
