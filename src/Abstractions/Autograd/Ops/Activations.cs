using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>GELU; GPT-2 uses the tanh approximation, BERT the exact erf form.</summary>
    public static Tensor Gelu(this Tensor x, GeluApproximation approximation = GeluApproximation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(x);
        var backend = x.Backend;
        var y = NewLike(x, (int[])x.Shape.Clone());
        backend.Gelu(x.Data, y.Data, approximation);
        return Graph.Record(y, "Gelu", [x], dy => backend.GeluBackward(x.Data, dy, x.GradBuffer(), approximation));
    }

    /// <summary>tanh(x) (BERT's pooler).</summary>
    public static Tensor Tanh(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var backend = x.Backend;
        var y = NewLike(x, (int[])x.Shape.Clone());
        backend.Tanh(x.Data, y.Data);
        return Graph.Record(y, "Tanh", [x], dy => backend.TanhBackward(y.Data, dy, x.GradBuffer())); // dx += dy (1 − y²)
    }

    /// <summary>eˣ.</summary>
    public static Tensor Exp(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var backend = x.Backend;
        var y = NewLike(x, (int[])x.Shape.Clone());
        backend.Exp(x.Data, y.Data);
        return Graph.Record(y, "Exp", [x], dy =>
        {
            using var term = new Scratch(dy.Length); // dx += dy ⊙ eˣ
            backend.Mul(dy, y.Data, term.Span);
            backend.Axpy(1f, term.Span, x.GradBuffer());
        });
    }
}
