namespace LlmForge.Autograd;

/// <summary>How an op attaches itself to the graph: the one place that decides whether to record.</summary>
internal static class Graph
{
    /// <summary>
    /// Makes <paramref name="output"/> a graph node of <paramref name="op"/> when recording is on and any input
    /// requires grad; otherwise leaves it a plain leaf. <paramref name="backward"/> receives ∂loss/∂output and must
    /// ACCUMULATE into <c>input.GradBuffer()</c> of each input with RequiresGrad.
    /// </summary>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, Action<float[]> backward)
    {
        if (!GradMode.IsEnabled) return output;
        foreach (var input in inputs)
        {
            if (!input.RequiresGrad) continue;
            output.RequiresGrad = true;
            output.GradFn = new Node(op, inputs, backward);
            return output;
        }
        return output;
    }
}
