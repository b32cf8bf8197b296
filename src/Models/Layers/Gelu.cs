using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// GELU activation: GPT-2's tanh approximation ("gelu_new") by default, or BERT's exact erf form. No parameters.
/// </summary>
public sealed class Gelu(GeluApproximation approximation = GeluApproximation.Tanh) : Module, ITensorModule
{
    /// <summary>Which GELU: tanh ("gelu_new", GPT-2) or erf ("gelu", BERT).</summary>
    public GeluApproximation Approximation { get; } = approximation;

    /// <summary>(any shape) → (same shape), element-wise GELU.</summary>
    public Tensor Forward(Tensor x) => x.Gelu(Approximation);
}
