using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>A module that maps one tensor to one tensor (a layer of a <see cref="Sequential"/>).</summary>
public interface ITensorModule
{
    Tensor Forward(Tensor x);
}
