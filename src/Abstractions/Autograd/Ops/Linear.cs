namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// y = x · Wᵀ + b, as <c>torch.nn.functional.linear</c>: x [.., in], weight [out, in] (nn.Linear's layout),
    /// bias [out] or null → y [.., out].
    /// </summary>
    public static Tensor Linear(this Tensor x, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        Shapes.SameBackend("Linear", x, weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: weight {Shapes.Format(weight.Shape)} must be [out, in].", nameof(weight));
        int outDim = weight.Shape[0], inDim = weight.Shape[1];
        if (x.Rank == 0 || x.Shape[^1] != inDim)
            throw new ArgumentException(
                $"Linear: x {Shapes.Format(x.Shape)} and weight {Shapes.Format(weight.Shape)}: x's last dim must be in = {inDim}.",
                nameof(x));
        if (bias is not null)
        {
            Shapes.SameBackend("Linear", x, bias);
            if (bias.Length != outDim || bias.Rank != 1)
                throw new ArgumentException(
                    $"Linear: bias {Shapes.Format(bias.Shape)} must be [{outDim}] for weight {Shapes.Format(weight.Shape)}.", nameof(bias));
        }

        var backend = x.Backend;
        int rows = (int)(x.Length / inDim);
        var y = NewLike(x, [.. x.Shape[..^1], outDim]);
        // y [rows, out] = x [rows, in] · Wᵀ
        backend.Gemm(false, true, rows, outDim, inDim, 1f, x.Data, inDim, weight.Data, inDim, 0f, y.Data, outDim);
        if (bias is not null) backend.AddRowBroadcast(y.Data, bias.Data, y.Data, rows, outDim);

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Graph.Record(y, "Linear", inputs, dy =>
        {
            if (x.RequiresGrad) // dx [rows, in] += dy [rows, out] · W [out, in]
                backend.Gemm(false, false, rows, inDim, outDim, 1f, dy, outDim, weight.Data, inDim, 1f, x.GradBuffer(), inDim);
            if (weight.RequiresGrad) // dW [out, in] += dyᵀ · x
                backend.Gemm(true, false, outDim, inDim, rows, 1f, dy, outDim, x.Data, inDim, 1f, weight.GradBuffer(), inDim);
            if (bias is { RequiresGrad: true }) // db [out] += Σ_rows dy
                backend.AddColumnSums(dy, bias.GradBuffer(), rows, outDim);
        });
    }
}
