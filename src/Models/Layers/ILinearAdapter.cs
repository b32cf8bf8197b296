using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// A learned correction added to a <see cref="Linear"/>'s output, y = x · Wᵀ + b + Δ(x), without changing W: LoRA's
/// low-rank update (<see cref="Lora.LoraLayer"/>). The adapter's parameters live in its own module tree, not in the
/// layer's, so the base model's parameter names (and its checkpoints) stay as they are.
/// </summary>
public interface ILinearAdapter
{
    /// <summary>Δ(x): (.., in) → (.., out), the layer's shapes.</summary>
    Tensor Forward(Tensor x);
}
