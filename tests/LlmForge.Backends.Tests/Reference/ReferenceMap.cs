using LlmForge.Backends;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>Double-precision references of <see cref="UnaryOp"/>'s functions, written from their definitions.</summary>
public static class ReferenceMap
{
    public static Func<double, double> Function(UnaryOp op) => op switch
    {
        UnaryOp.Sqrt => Math.Sqrt,
        UnaryOp.Rsqrt => x => 1 / Math.Sqrt(x),
        UnaryOp.Reciprocal => x => 1 / x,
        UnaryOp.Log => Math.Log,
        UnaryOp.Square => x => x * x,
        UnaryOp.Sigmoid => Sigmoid,
        UnaryOp.Relu => x => Math.Max(x, 0),
        UnaryOp.Silu => x => x * Sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "no reference"),
    };

    /// <summary>Whether the function is defined only for x &gt; 0 (in the tests' inputs).</summary>
    public static bool PositiveOnly(UnaryOp op) => op is UnaryOp.Sqrt or UnaryOp.Rsqrt or UnaryOp.Log or UnaryOp.Reciprocal;

    /// <summary>σ(x), as eˣ/(1 + eˣ) for x &lt; 0 (another form than the kernels' 1/(1 + e^(−x)), exact there too).</summary>
    private static double Sigmoid(double x) => x < 0 ? Math.Exp(x) / (1 + Math.Exp(x)) : 1 / (1 + Math.Exp(-x));
}
