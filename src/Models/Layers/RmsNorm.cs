using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// RMSNorm over the last axis: x / √(mean(x²) + eps) · scale (Llama, Mistral). Parameter: "scale" [C] (ones).
/// </summary>
public sealed class RmsNorm : Module, INormalization, ITensorModule
{
    /// <summary>An RMSNorm over the last axis of width <paramref name="dim"/> (C), scale ones on
    /// <paramref name="init"/>'s backend.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> ≤ 0, or <paramref name="eps"/> not a
    /// positive finite number.</exception>
    public RmsNorm(ModuleInit init, int dim, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (!(float.IsFinite(eps) && eps > 0f))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "RmsNorm: eps must be positive.");
        Eps = eps;
        Scale = RegisterParameter("scale", init.Ones(dim));
    }

    /// <summary>γ [C].</summary>
    public Tensor Scale { get; }

    /// <summary>ε added to the mean square before the square root.</summary>
    public float Eps { get; }

    /// <summary>(.., C) → (.., C).</summary>
    public Tensor Forward(Tensor x) => x.RmsNorm(Scale, Eps);
}
