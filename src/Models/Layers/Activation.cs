using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>An element-wise activation as a layer (the middle of a <see cref="FeedForward"/>). No parameters.</summary>
public sealed class Activation(ActivationFunction function) : Module, ITensorModule
{
    /// <summary>Which function it applies.</summary>
    public ActivationFunction Function { get; } = function;

    /// <summary>(any shape) → (same shape), element-wise.</summary>
    public Tensor Forward(Tensor x) => x.Apply(Function);
}
