namespace LlmForge.Backends;

/// <summary>
/// The gate's function of <see cref="ITensorBackend.GatedActivation"/>: the GLU variants of Shazeer 2020 ("GLU Variants
/// Improve Transformer"). Each is the element-wise function of the same name (<see cref="UnaryOp.Silu"/>,
/// <see cref="UnaryOp.Relu"/>, <see cref="GeluApproximation"/>), evaluated by the same code.
/// </summary>
public enum GateActivation
{
    /// <summary>x·σ(x): SwiGLU (Llama, Mistral, Qwen).</summary>
    Silu,

    /// <summary>GELU with the tanh approximation: GeGLU as Gemma runs it.</summary>
    GeluTanh,

    /// <summary>Exact GELU, x·Φ(x): GeGLU as the paper defines it.</summary>
    GeluErf,

    /// <summary>max(x, 0): ReGLU.</summary>
    Relu,
}
