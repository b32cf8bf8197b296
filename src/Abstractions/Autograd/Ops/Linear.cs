namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// y = x · Wᵀ + b, as <c>torch.nn.functional.linear</c>: x [.., in], weight [out, in] (nn.Linear's layout),
    /// bias [out] or null → y [.., out].
    /// </summary>
    public static Tensor Linear(this Tensor x, Tensor weight, Tensor? bias = null)
    {
        var (rows, inDim, outDim) = CheckLinear("Linear", x, weight, bias);

        var backend = x.Backend;
        var y = NewUninitializedWithLastDim(x, outDim); // beta = 0: the GEMM writes every element
        // y [rows, out] = x [rows, in] · Wᵀ
        backend.Gemm(false, true, rows, outDim, inDim, 1f, x.Data, inDim, weight.Data, inDim, 0f, y.Data, outDim);
        if (bias is not null) backend.AddRowBroadcast(y.Data, bias.Data, y.Data, rows, outDim);

        ReadOnlySpan<Tensor> inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Graph.Record(y, "Linear", inputs, (x, weight, bias, rows, outDim), static (s, dy) =>
        {
            LinearBackward(s.x, s.weight, dy, s.rows);
            if (s.bias is { RequiresGrad: true }) // db [out] += Σ_rows dy
                s.x.Backend.AddColumnSums(dy, s.bias.GradBuffer(), s.rows, s.outDim);
        });
    }

    /// <summary>
    /// The GEMM half of a linear map's backward pass, given dy [rows, out] = ∂loss/∂(x · Wᵀ):
    /// dx [rows, in] += dy · W and dW [out, in] += dyᵀ · x, each only when that input requires grad.
    /// </summary>
    private static void LinearBackward(Tensor x, Tensor weight, ReadOnlySpan<float> dy, int rows)
    {
        var backend = x.Backend;
        int outDim = weight.Shape[0], inDim = weight.Shape[1];
        if (x.RequiresGrad)
            backend.Gemm(false, false, rows, inDim, outDim, 1f, dy, outDim, weight.Data, inDim, 1f, x.GradBuffer(), inDim);
        if (weight.RequiresGrad)
            backend.Gemm(true, false, outDim, inDim, rows, 1f, dy, outDim, x.Data, inDim, 1f, weight.GradBuffer(), inDim);
    }

    /// <summary>
    /// The argument checks of a linear map y = x · Wᵀ (+ b), shared by the ops that start with one
    /// (<see cref="Linear(Tensor, Tensor, Tensor?)"/>, <see cref="LinearGelu(Tensor, Tensor, Tensor, Backends.GeluApproximation)"/>,
    /// <see cref="LinearCrossEntropy"/>): x [.., in], weight [out, in],
    /// bias [out] or null.
    /// Returns the rows of x (its leading dims flattened) and the two feature sizes.
    /// </summary>
    private static (int Rows, int In, int Out) CheckLinear(string op, Tensor x, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        Shapes.SameBackend(op, x, weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"{op}: weight {Shapes.Format(weight.Shape)} must be [out, in].", nameof(weight));
        int outDim = weight.Shape[0], inDim = weight.Shape[1];
        if (x.Rank == 0 || x.Shape[^1] != inDim)
            throw new ArgumentException(
                $"{op}: x {Shapes.Format(x.Shape)} and weight {Shapes.Format(weight.Shape)}: x's last dim must be in = {inDim}.",
                nameof(x));
        if (bias is not null)
        {
            Shapes.SameBackend(op, x, bias);
            if (bias.Length != outDim || bias.Rank != 1)
                throw new ArgumentException(
                    $"{op}: bias {Shapes.Format(bias.Shape)} must be [{outDim}] for weight {Shapes.Format(weight.Shape)}.", nameof(bias));
        }
        return ((int)(x.Length / inDim), inDim, outDim);
    }
}
