using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>A module that maps one tensor to one tensor (a layer of a <see cref="Sequential"/>).</summary>
public interface ITensorModule
{
    /// <summary>
    /// The layer applied to <paramref name="x"/>; shapes are the layer's own (e.g. Linear (.., in) → (.., out)).
    /// </summary>
    Tensor Forward(Tensor x);
}
