using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// act(gate) ⊙ up, the gated product of a GLU feed-forward (SwiGLU with <see cref="GateActivation.Silu"/>, GeGLU
    /// with a GELU), as one op over one kernel (<see cref="ITensorBackend.GatedActivation"/>). Equals
    /// <c>gate.Silu().Mul(up)</c> (or Gelu, Relu), to the bit on the managed backend. gate and up of one shape (.., H) → (.., H).
    /// </summary>
    /// <remarks>
    /// Saved for backward: gate and up only (which the graph holds anyway); act(gate) is recomputed by the backward
    /// kernel instead of being kept as an intermediate (.., H) tensor, and the backward pass is one kernel instead of
    /// two multiplies, two adds and a MapBackward.
    /// </remarks>
    public static Tensor GatedActivation(this Tensor gate, Tensor up, GateActivation activation = GateActivation.Silu)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        Shapes.SameBackend("GatedActivation", gate, up);
        if (!Shapes.Equal(gate.Shape, up.Shape))
            throw new ArgumentException(
                $"GatedActivation: gate {Shapes.Format(gate.Shape)} and up {Shapes.Format(up.Shape)} must have one shape.");
        var y = NewLike(gate);
        gate.Backend.GatedActivation(gate.Data, up.Data, y.Data, activation);
        return Graph.Record(y, "GatedActivation", [gate, up], (gate, up, activation), static (s, dy) =>
        {
            var (gate, up, activation) = s;
            gate.Backend.GatedActivationBackward(gate.Data, up.Data, dy,
                gate.RequiresGrad ? gate.GradBuffer() : Span<float>.Empty,
                up.RequiresGrad ? up.GradBuffer() : Span<float>.Empty, activation);
        });
    }
}
