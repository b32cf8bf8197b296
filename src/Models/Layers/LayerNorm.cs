using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// LayerNorm over the last axis: (x − mean) / √(var + eps) · scale + shift, biased variance, as
/// <c>torch.nn.LayerNorm</c> (GPT-2's ln_1, ln_2, ln_f). Parameters: "scale" [C] (ones), "shift" [C] (zeros).
/// </summary>
public sealed class LayerNorm : Module, INormalization, ITensorModule
{
    /// <summary>A LayerNorm over the last axis of width <paramref name="dim"/> (C), scale ones and shift zeros on
    /// <paramref name="init"/>'s backend.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> ≤ 0, or <paramref name="eps"/> not a
    /// positive finite number.</exception>
    public LayerNorm(ModuleInit init, int dim, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (!(float.IsFinite(eps) && eps > 0f))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        Eps = eps;
        Scale = RegisterParameter("scale", init.Ones(dim));
        Shift = RegisterParameter("shift", init.Zeros(dim));
    }

    /// <summary>γ [C].</summary>
    public Tensor Scale { get; }

    /// <summary>β [C].</summary>
    public Tensor Shift { get; }

    /// <summary>ε added to the variance before the square root (layer_norm_epsilon; GPT-2 1e-5, BERT 1e-12).</summary>
    public float Eps { get; }

    /// <summary>(.., C) → (.., C).</summary>
    public Tensor Forward(Tensor x) => x.LayerNorm(Scale, Shift, Eps);
}
