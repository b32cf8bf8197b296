using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// The checks of a linear op over an inference-only weight (bfloat16, int8) of <paramref name="kind"/>:
    /// same backend, x's last dim = in, bias [out], and no graph recording (such a weight passes no gradient).
    /// </summary>
    private static (int Rows, int In, int Out) CheckInferenceLinear(string op, string kind, Tensor x, ITensorBackend weightBackend,
        int outDim, int inDim, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Backend.Name != weightBackend.Name)
            throw new ArgumentException($"{op}: {x.Describe()} is on backend {x.Backend.Name} but the {kind} weight is on {weightBackend.Name}.");
        if (x.Rank == 0 || x.Shape[^1] != inDim)
            throw new ArgumentException(
                $"{op}: x {Shapes.Format(x.Shape)} and {kind} weight [{outDim},{inDim}]: x's last dim must be in = {inDim}.", nameof(x));
        if (bias is not null)
        {
            Shapes.SameBackend(op, x, bias);
            if (bias.Length != outDim || bias.Rank != 1)
                throw new ArgumentException($"{op}: bias {Shapes.Format(bias.Shape)} must be [{outDim}] for the {kind} weight [{outDim},{inDim}].", nameof(bias));
        }
        if (bias is null ? Graph.Records([x]) : Graph.Records([x, bias]))
            throw new InvalidOperationException(
                $"{op}: a {kind} weight serves inference only and passes no gradient; run it under GradMode.NoGrad(), " +
                "or train with the float32 weight.");
        return ((int)(x.Length / inDim), inDim, outDim);
    }
}
