namespace LlmForge.Autograd;

/// <summary>
/// The graph record an op attaches to its output (PyTorch's <c>grad_fn</c>): the op's name, its inputs,
/// and a closure that, given ∂loss/∂output, accumulates ∂loss/∂input into each input that requires grad.
/// Backward() runs the closure once and then releases it with the inputs, so saved buffers are freed.
/// </summary>
public sealed class Node
{
    private Tensor[] inputs;
    private Action<float[]>? backward;

    internal Node(string op, Tensor[] inputs, Action<float[]> backward)
    {
        Op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /// <summary>The op that made the output ("MatMul", "LayerNorm", …).</summary>
    public string Op { get; }

    /// <summary>The op's inputs; empty once Backward() has run through this node.</summary>
    public IReadOnlyList<Tensor> Inputs => inputs;

    /// <summary>True once Backward() has consumed this node; back-propagating through it again is an error.</summary>
    public bool IsReleased => backward is null;

    internal Tensor[] InputArray => inputs;

    internal void Run(float[] gradOutput) => backward!(gradOutput);

    internal void Release()
    {
        backward = null;
        inputs = [];
    }
}
