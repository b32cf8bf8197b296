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

    /// <summary>σ(x) = 1 / (1 + e^(−x)) (element-wise; gates of GLU variants, LSTMs).</summary>
    public static Tensor Sigmoid(this Tensor x) => Map(x, UnaryOp.Sigmoid, "Sigmoid");

    /// <summary>max(x, 0) (element-wise); its gradient at 0 is 0, as in PyTorch.</summary>
    public static Tensor Relu(this Tensor x) => Map(x, UnaryOp.Relu, "Relu");

    /// <summary>SiLU (swish), x · σ(x) (element-wise): the activation of SwiGLU feed-forward layers (Llama).</summary>
    public static Tensor Silu(this Tensor x) => Map(x, UnaryOp.Silu, "Silu");
}
