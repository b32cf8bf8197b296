namespace LlmForge.Autograd;

/// <summary>
/// The graph record an op attaches to its output (PyTorch's <c>grad_fn</c>): the op's name, its inputs,
/// and its backward pass, which, given ∂loss/∂output, accumulates ∂loss/∂input into each input that requires grad.
/// Backward() runs it once and then releases it with the inputs, so saved buffers are freed.
/// </summary>
public abstract class Node
{
    private Tensor[] inputs;

    private protected Node(string op, Tensor[] inputs)
    {
        Op = op;
        this.inputs = inputs;
    }

    /// <summary>The op that made the output ("MatMul", "LayerNorm", …).</summary>
    public string Op { get; }

    /// <summary>The op's inputs; empty once Backward() has run through this node.</summary>
    public IReadOnlyList<Tensor> Inputs => inputs;

    /// <summary>True once Backward() has consumed this node; back-propagating through it again is an error.</summary>
    public abstract bool IsReleased { get; }

    internal Tensor[] InputArray => inputs;

    internal abstract void Run(float[] gradOutput);

    internal virtual void Release() => inputs = [];
}

/// <summary>A node whose backward pass is a static function of the op's saved <typeparamref name="TState"/>.</summary>
internal sealed class Node<TState>(string op, Tensor[] inputs, TState state, Action<TState, float[]> backward) : Node(op, inputs)
{
    private TState state = state;
    private Action<TState, float[]>? backward = backward;

    public override bool IsReleased => backward is null;

    internal override void Run(float[] gradOutput) => backward!(state, gradOutput);

    internal override void Release()
    {
        backward = null;
        state = default!;
        base.Release();
    }
}
