namespace LlmForge.Autograd;

/// <summary>How an op attaches itself to the graph: the one place that decides whether to record.</summary>
/// <remarks>
/// An op passes its backward pass as a <c>static</c> lambda and what it needs as <c>state</c> (a tuple
/// of the inputs, sizes and saved buffers), rather than as a closure: a static lambda is cached by the compiler and
/// the tuple and the inputs' span live on the stack, so without a graph (<see cref="GradMode.NoGrad"/>, inference,
/// decoding) an op allocates nothing but its output. A closure would cost a delegate and its captured variables
/// on every call, recorded or not.
/// </remarks>
internal static class Graph
{
    /// <summary>
    /// Makes <paramref name="output"/> a graph node of <paramref name="op"/> when recording is on and any input
    /// requires grad; otherwise leaves it a plain leaf. <paramref name="backward"/>(state, ∂loss/∂output) must
    /// ACCUMULATE into <c>input.GradBuffer()</c> of each input with RequiresGrad.
    /// </summary>
    public static Tensor Record<TState>(Tensor output, string op, ReadOnlySpan<Tensor> inputs, TState state,
        Action<TState, float[]> backward)
    {
        if (!Records(inputs)) return output;
        output.RequiresGrad = true;
        output.GradFn = new Node<TState>(op, inputs.ToArray(), state, backward);
        return output;
    }

    /// <summary>The closure form, for ops off the hot path (and tests that build deliberately wrong ops).</summary>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, Action<float[]> backward) =>
        Record(output, op, inputs, backward, static (closure, dy) => closure(dy));

    /// <summary>Whether an op over <paramref name="inputs"/> records a node: recording is on and one of them requires grad.</summary>
    public static bool Records(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var input in inputs)
            if (input.RequiresGrad) return true;
        return false;
    }
}
