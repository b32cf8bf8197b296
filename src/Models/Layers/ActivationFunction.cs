namespace LlmForge.Layers;

/// <summary>
/// The element-wise non-linearity of a feed-forward layer. The config.json names (Hugging Face's ACT2FN keys, which
/// GPT-2's activation_function and Llama's hidden_act use) are in <see cref="ActivationFunctions"/>.
/// </summary>
public enum ActivationFunction
{
    /// <summary>"gelu_new": GELU with the tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (GPT-2).</summary>
    GeluTanh,

    /// <summary>"gelu": exact GELU, x·Φ(x) with Φ the standard normal CDF (BERT).</summary>
    GeluErf,

    /// <summary>"relu": max(x, 0) (the original transformer, OPT).</summary>
    Relu,

    /// <summary>"silu": x·σ(x), also called swish (Llama's hidden_act, inside SwiGLU).</summary>
    Silu,
}
