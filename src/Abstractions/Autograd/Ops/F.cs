namespace LlmForge.Autograd;

/// <summary>
/// The differentiable ops, like <c>torch.nn.functional</c>: <c>F.Linear(x, w, b)</c>, also callable as
/// extension methods (<c>x.MatMul(w)</c>, <c>x.Reshape(B, T, C)</c>). One file per primitive under Ops/
/// holds its forward and, beside it, its backward pass: a static lambda over what the op saved for it
/// (see <see cref="Graph.Record{TState}"/>). Composites (Sub, Neg, Div, Mean, MeanLastAxis) are built from primitives
/// and need no backward of their own. Every computation runs on the input's backend kernels.
/// </summary>
/// <remarks>
/// The ops, by family:
/// <list type="bullet">
/// <item>Arithmetic: <see cref="Add"/>, <see cref="Sub"/>, <see cref="Mul"/>, <see cref="Div"/> (equal shapes; a suffix
/// such as a bias [C] or a scalar; or a per-row [.., 1] against [.., C]), <see cref="Neg"/>, <see cref="Scale"/>,
/// <see cref="AddScalar"/>.</item>
/// <item>Element-wise functions: <see cref="Exp"/>, <see cref="Log"/>, <see cref="Sqrt"/>, <see cref="Rsqrt"/>,
/// <see cref="Reciprocal"/>, <see cref="Square"/>, <see cref="Tanh"/>, <see cref="Sigmoid"/>, <see cref="Relu"/>,
/// <see cref="Silu"/>, <see cref="Gelu(Tensor, Backends.GeluApproximation)"/>.</item>
/// <item>Reductions: <see cref="Sum"/>, <see cref="Mean"/> (all elements), <see cref="SumLastAxis(Tensor)"/>,
/// <see cref="SumLastAxis(Tensor, bool)"/> and <see cref="MeanLastAxis"/> (keepDim gives [.., 1]).</item>
/// <item>Products and attention: <see cref="MatMul"/>, <see cref="Linear(Tensor, Tensor, Tensor?)"/>,
/// <see cref="Softmax"/> (with an optional causal/window/padding <see cref="AttentionMaskSpec"/>),
/// <see cref="ScaledDotProductAttention"/>, <see cref="Rotary"/>.</item>
/// <item>Layout: <see cref="Reshape"/>, <see cref="Permute"/>, <see cref="Transpose"/>, <see cref="Narrow"/>,
/// <see cref="Split"/>, <see cref="Concat"/>, <see cref="Embedding(Tensor, int[], int[])"/>.</item>
/// <item>Fused layers and losses: <see cref="LayerNorm"/>, <see cref="RmsNorm"/>,
/// <see cref="LinearGelu(Tensor, Tensor, Tensor, Backends.GeluApproximation)"/>, <see cref="Dropout"/>,
/// <see cref="CrossEntropy"/>, <see cref="SmoothedCrossEntropy"/>, <see cref="LinearCrossEntropy"/>.</item>
/// </list>
/// The fused ops are what the built-in layers use; each equals its composition from the primitives above (the
/// tests write LayerNorm, RMSNorm, SwiGLU and a causal attention head that way and compare).
/// </remarks>
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

    /// <summary>
    /// A new tensor of <paramref name="like"/>'s shape with the last dim <paramref name="last"/>: [.., last]; when
    /// <paramref name="overwritten"/> (the caller's kernel writes every element, e.g. a GEMM at beta 0) its buffer is not
    /// zeroed first (<see cref="TensorArena.AllocateUninitialized"/>).
    /// </summary>
    private static Tensor NewWithLastDim(Tensor like, int last, bool overwritten = false)
    {
        Span<int> shape = stackalloc int[like.Rank];
        like.Shape.CopyTo(shape);
        shape[^1] = last;
        return overwritten ? NewUninitialized(like, shape) : NewLike(like, shape);
    }

    /// <summary>As <see cref="NewLike(Tensor, ReadOnlySpan{int})"/> but not zeroed, for an output its kernel writes whole (a GEMM at beta 0, a permute): a pooled buffer keeps old values until then.</summary>
    private static Tensor NewUninitialized(Tensor like, ReadOnlySpan<int> shape) =>
        TensorArena.NewTensor(like.Backend, TensorArena.AllocateUninitialized(Shapes.Count(shape, nameof(shape))), shape);
}
