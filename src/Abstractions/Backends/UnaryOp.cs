namespace LlmForge.Backends;

/// <summary>
/// The element-wise functions of <see cref="ITensorBackend.Map"/> and <see cref="ITensorBackend.MapBackward"/>:
/// the primitives a user needs to write a normalization, an activation or an attention head from scratch.
/// Outside a function's domain the result is what IEEE float arithmetic gives (√ of a negative is NaN, log 0 is −∞),
/// as in PyTorch.
/// </summary>
public enum UnaryOp
{
    /// <summary>y = √x; y' = 1 / (2√x).</summary>
    Sqrt,

    /// <summary>y = 1/√x; y' = −½ · x^(−3/2).</summary>
    Rsqrt,

    /// <summary>y = 1/x; y' = −1/x².</summary>
    Reciprocal,

    /// <summary>y = ln x; y' = 1/x.</summary>
    Log,

    /// <summary>y = x²; y' = 2x.</summary>
    Square,

    /// <summary>y = σ(x) = 1 / (1 + e^(−x)); y' = σ(x)(1 − σ(x)).</summary>
    Sigmoid,

    /// <summary>y = max(x, 0); y' = 1 for x &gt; 0, else 0 (PyTorch's choice at 0).</summary>
    Relu,

    /// <summary>y = x · σ(x) (SiLU, "swish"); y' = σ(x)(1 + x(1 − σ(x))).</summary>
    Silu,
}
