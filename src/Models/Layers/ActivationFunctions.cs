using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// <see cref="ActivationFunction"/> by name and as an op: the config.json names (Hugging Face's ACT2FN keys) and
/// the autograd op each one runs.
/// </summary>
public static class ActivationFunctions
{
    /// <summary>
    /// Each name a config.json may give, with its function; the first name of each function is the one written
    /// ("gelu_new" for the tanh GELU, whose aliases gelu_pytorch_tanh and gelu_fast are read too; "swish" reads as silu).
    /// </summary>
    public static IReadOnlyList<(string Name, ActivationFunction Function)> ConfigNames { get; } =
    [
        ("gelu_new", ActivationFunction.GeluTanh), ("gelu_pytorch_tanh", ActivationFunction.GeluTanh),
        ("gelu_fast", ActivationFunction.GeluTanh), ("gelu", ActivationFunction.GeluErf),
        ("relu", ActivationFunction.Relu), ("silu", ActivationFunction.Silu), ("swish", ActivationFunction.Silu),
    ];

    /// <summary>The name config.json records: "gelu_new", "gelu", "relu" or "silu".</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="ActivationFunction"/>.</exception>
    public static string Name(ActivationFunction function)
    {
        foreach (var (name, f) in ConfigNames)
            if (f == function) return name;
        throw new ArgumentOutOfRangeException(nameof(function), function, "not a known activation function.");
    }

    /// <summary>The GELU form of a GELU function, null for the others (they have no fused bias + GELU kernel).</summary>
    public static GeluApproximation? AsGelu(ActivationFunction function) => function switch
    {
        ActivationFunction.GeluTanh => GeluApproximation.Tanh,
        ActivationFunction.GeluErf => GeluApproximation.Erf,
        _ => null,
    };

    /// <summary>The function of a GELU form (<see cref="GeluApproximation.Tanh"/> → <see cref="ActivationFunction.GeluTanh"/>).</summary>
    public static ActivationFunction FromGelu(GeluApproximation approximation) =>
        approximation == GeluApproximation.Erf ? ActivationFunction.GeluErf : ActivationFunction.GeluTanh;

    /// <summary>The same function as the gate of a fused GLU kernel (<see cref="F.GatedActivation"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="ActivationFunction"/>.</exception>
    public static GateActivation AsGate(ActivationFunction function) => function switch
    {
        ActivationFunction.GeluTanh => GateActivation.GeluTanh,
        ActivationFunction.GeluErf => GateActivation.GeluErf,
        ActivationFunction.Relu => GateActivation.Relu,
        ActivationFunction.Silu => GateActivation.Silu,
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "not a known activation function."),
    };

    /// <summary>(any shape) → (same shape): <paramref name="function"/> element-wise, as a differentiable op.</summary>
    public static Tensor Apply(this Tensor x, ActivationFunction function) => function switch
    {
        ActivationFunction.GeluTanh => x.Gelu(GeluApproximation.Tanh),
        ActivationFunction.GeluErf => x.Gelu(GeluApproximation.Erf),
        ActivationFunction.Relu => x.Relu(),
        ActivationFunction.Silu => x.Silu(),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "not a known activation function."),
    };
}
