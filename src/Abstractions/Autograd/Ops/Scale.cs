namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>s · x for a constant s (attention's 1/√d, a loss average).</summary>
    public static Tensor Scale(this Tensor x, float s)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        x.Backend.Scale(x.Data, s, y.Data);
        return Graph.Record(y, "Scale", [x], (x, s), static (st, dy) => st.x.Backend.Axpy(st.s, dy, st.x.GradBuffer())); // dx += s · dy
    }

    // Composites: built from primitives, so their gradients come for free (micrograd's __neg__, __sub__).

    /// <summary>−x.</summary>
    public static Tensor Neg(this Tensor x) => Scale(x, -1f);

    /// <summary>a − b, broadcasting like <see cref="Add"/>.</summary>
    public static Tensor Sub(this Tensor a, Tensor b) => Add(a, Neg(b));
}
