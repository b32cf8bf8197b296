using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>√x (element-wise; NaN for x &lt; 0).</summary>
    public static Tensor Sqrt(this Tensor x) => Map(x, UnaryOp.Sqrt, "Sqrt");

    /// <summary>1/√x (element-wise): LayerNorm's and RMSNorm's rstd = (var + eps)^(−½).</summary>
    public static Tensor Rsqrt(this Tensor x) => Map(x, UnaryOp.Rsqrt, "Rsqrt");

    /// <summary>1/x (element-wise).</summary>
    public static Tensor Reciprocal(this Tensor x) => Map(x, UnaryOp.Reciprocal, "Reciprocal");

    /// <summary>ln x (element-wise; −∞ at 0, NaN below).</summary>
    public static Tensor Log(this Tensor x) => Map(x, UnaryOp.Log, "Log");

    /// <summary>x² (element-wise).</summary>
    public static Tensor Square(this Tensor x) => Map(x, UnaryOp.Square, "Square");

    /// <summary>
    /// f(x) element-wise on the backend's <see cref="ITensorBackend.Map"/>; the backward pass,
    /// dx += dy · f'(x), recomputes the derivative from the saved input.
    /// </summary>
    private static Tensor Map(Tensor x, UnaryOp op, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        x.Backend.Map(op, x.Data, y.Data);
        return Graph.Record(y, name, [x], (x, op),
            static (s, dy) => s.x.Backend.MapBackward(s.op, s.x.Data, dy, s.x.GradBuffer()));
    }

    // Composites: built from primitives, so their gradients come for free.

    /// <summary>a / b = a ⊙ (1/b), broadcasting like <see cref="Mul"/> (b may be a per-row [.., 1]).</summary>
    public static Tensor Div(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return Mul(a, Reciprocal(b));
    }
}
