using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>GELU; GPT-2 uses the tanh approximation, BERT the exact erf form.</summary>
    public static Tensor Gelu(this Tensor x, GeluApproximation approximation = GeluApproximation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        x.Backend.Gelu(x.Data, y.Data, approximation);
        return Graph.Record(y, "Gelu", [x], (x, approximation),
            static (s, dy) => s.x.Backend.GeluBackward(s.x.Data, dy, s.x.GradBuffer(), s.approximation));
    }

    /// <summary>tanh(x) (BERT's pooler).</summary>
    public static Tensor Tanh(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        x.Backend.Tanh(x.Data, y.Data);
        return Graph.Record(y, "Tanh", [x], (x, y),
            static (s, dy) => s.x.Backend.TanhBackward(s.y.Data, dy, s.x.GradBuffer())); // dx += dy (1 − y²)
    }

    /// <summary>eˣ.</summary>
    public static Tensor Exp(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        x.Backend.Exp(x.Data, y.Data);
        return Graph.Record(y, "Exp", [x], (x, y), static (s, dy) =>
        {
            using var term = new Scratch(dy.Length); // dx += dy ⊙ eˣ
            s.x.Backend.Mul(dy, s.y.Data, term.Span);
            s.x.Backend.Axpy(1f, term.Span, s.x.GradBuffer());
        });
    }
}
