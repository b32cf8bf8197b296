using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Hosting;

/// <summary>
/// The values of a variant's <c>Activation</c> key (<see cref="ModelVariantOptions.Activation"/>), case-insensitive,
/// and the feed-forward each one builds. A GPT takes them all: the plain MLP's "gelu_new" (tanh GELU, GPT-2's and
/// the default), "gelu" (erf), "relu", "silu", and the gated feed-forwards "swiglu" (down(silu(gate(x)) ⊙ up(x)),
/// Llama's) and "geglu" (the same with the erf GELU). A BERT takes the two GELUs.
/// </summary>
public static class VariantActivations
{
    /// <summary>Every value a GPT variant accepts, in the order a "valid values" message lists them.</summary>
    public static IReadOnlyList<string> GptNames { get; } = ["gelu_new", "gelu", "relu", "silu", "swiglu", "geglu"];

    /// <summary>Every value an encoder-decoder variant accepts ("swish" is Marian's name for silu).</summary>
    public static IReadOnlyList<string> EncoderDecoderNames { get; } = ["relu", "gelu", "gelu_new", "silu", "swish"];

    /// <summary>Every value a BERT variant accepts: gelu_new, gelu.</summary>
    public static IReadOnlyList<string> BertNames { get; } = ["gelu_new", "gelu"];

    /// <summary>
    /// The activation function and feed-forward a GPT variant's value builds ("swiglu" → (silu, gated)); null for
    /// null (the architecture's own: gelu_new, plain MLP).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown value: "Unknown activation 'tanh'; valid values: gelu_new, …".</exception>
    public static (ActivationFunction Function, FeedForwardType FeedForward)? ForGpt(string? name) => name?.ToLowerInvariant() switch
    {
        null => null,
        "gelu_new" => (ActivationFunction.GeluTanh, FeedForwardType.Mlp),
        "gelu" => (ActivationFunction.GeluErf, FeedForwardType.Mlp),
        "relu" => (ActivationFunction.Relu, FeedForwardType.Mlp),
        "silu" => (ActivationFunction.Silu, FeedForwardType.Mlp),
        "swiglu" => (ActivationFunction.Silu, FeedForwardType.Gated),
        "geglu" => (ActivationFunction.GeluErf, FeedForwardType.Gated),
        _ => throw Unknown(name, GptNames),
    };

    /// <summary>The variant value a GPT config's feed-forward is written as ((silu, gated) → "swiglu"), or null when none is.</summary>
    public static string? NameOf(ActivationFunction function, FeedForwardType feedForward) =>
        GptNames.FirstOrDefault(n => ForGpt(n) == (function, feedForward));

    /// <summary>Whether <paramref name="name"/> is a value of <paramref name="names"/> (case-insensitive).</summary>
    internal static bool IsOneOf(string name, IReadOnlyList<string> names) => names.Contains(name, StringComparer.OrdinalIgnoreCase);

    internal static ArgumentException Unknown(string name, IReadOnlyList<string> names) =>
        new($"Unknown activation '{name}'; valid values: {string.Join(", ", names)}.", nameof(name));
}
