using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// y = x · Wᵀ + b, as <c>torch.nn.Linear</c>: weight [out, in] (the layout the GEMM reads row by row),
/// bias [out] or none. Parameters: "weight", "bias".
/// </summary>
public sealed class Linear : Module, ITensorModule
{
    /// <summary>
    /// A fresh layer: weight ~ N(0, std²) (GPT-2's init, std defaults to <see cref="ModuleInit.Std"/>),
    /// bias zeros.
    /// </summary>
    public Linear(ModuleInit init, int inFeatures, int outFeatures, bool bias = true, float? std = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Weight = RegisterParameter("weight", init.Normal(std, outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", init.Zeros(outFeatures));
    }

    /// <summary>
    /// A layer over existing tensors: weight [out, in] (e.g. the token embedding, for weight tying: the
    /// same tensor object, so both uses add into one gradient) and an optional bias [out].
    /// </summary>
    public Linear(Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: weight {Format(weight.Shape)} must be [out, in].", nameof(weight));
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ArgumentException($"Linear: bias {Format(bias.Shape)} must be [{weight.Shape[0]}].", nameof(bias));
        Weight = RegisterParameter("weight", weight);
        if (bias is not null) Bias = RegisterParameter("bias", bias);
    }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>[out], or null.</summary>
    public Tensor? Bias { get; }

    public int InFeatures => Weight.Shape[1];

    public int OutFeatures => Weight.Shape[0];

    /// <summary>(.., in) → (.., out).</summary>
    public Tensor Forward(Tensor x) => x.Linear(Weight, Bias);

    internal static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
