using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// GELU activation: GPT-2's tanh approximation ("gelu_new") by default, or BERT's exact erf form. No parameters.
/// </summary>
public sealed class Gelu(GeluApproximation approximation = GeluApproximation.Tanh) : Module, ITensorModule
{
    public GeluApproximation Approximation { get; } = approximation;

    public Tensor Forward(Tensor x) => x.Gelu(Approximation);
}
