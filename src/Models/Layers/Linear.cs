using LlmForge.Autograd;
using LlmForge.Backends;

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

    /// <summary>in: the width of the last axis of the input.</summary>
    public int InFeatures => Weight.Shape[1];

    /// <summary>out: the width of the last axis of the output.</summary>
    public int OutFeatures => Weight.Shape[0];

    /// <summary>
    /// A bfloat16 copy of <see cref="Weight"/> that passes without a graph (inference, generation) multiply by
    /// instead, reading half the bytes; null (the default) uses the float32 weight everywhere. A snapshot: training
    /// changes the float32 weight only, so call <see cref="UseBFloat16Weight"/> again after it.
    /// </summary>
    public BFloat16Weight? InferenceWeight { get; private set; }

    /// <summary>Rounds the weight to bfloat16 for inference (<see cref="InferenceWeight"/>); false drops the copy.</summary>
    public void UseBFloat16Weight(bool use = true) => InferenceWeight = use ? new BFloat16Weight(Weight) : null;

    /// <summary>
    /// An 8-bit copy of <see cref="Weight"/> (blocks of 32 with a float scale each, <see cref="Q8Blocks"/>) that passes
    /// without a graph multiply by instead, reading about 28 % of the bytes; it takes precedence over
    /// <see cref="InferenceWeight"/>. A snapshot, like the bfloat16 copy: call <see cref="UseInt8Weight"/> again after training.
    /// </summary>
    public Int8Weight? QuantizedWeight { get; private set; }

    /// <summary>Quantizes the weight to int8 blocks for inference (<see cref="QuantizedWeight"/>); false drops the copy.</summary>
    public void UseInt8Weight(bool use = true) => QuantizedWeight = use ? new Int8Weight(Weight) : null;

    /// <summary>
    /// A correction added to the output (LoRA's B·A·x·α/r), or null (the default): y = x · Wᵀ + b + Adapter(x). Not a
    /// child module: the adapter's parameters are its own tree's, the layer's names and checkpoints do not change.
    /// </summary>
    public ILinearAdapter? Adapter { get; set; }

    /// <summary>(.., in) → (.., out).</summary>
    public Tensor Forward(Tensor x)
    {
        var y = Quantized is { } int8 ? x.Linear(int8, Bias) : Inference is { } weight ? x.Linear(weight, Bias) : x.Linear(Weight, Bias);
        return Adapter is { } adapter ? y + adapter.Forward(x) : y;
    }

    /// <summary>
    /// GELU(x · Wᵀ + b), (.., in) → (.., out), in one fused op (the bias is added in the GELU pass); needs a bias. With an
    /// <see cref="Adapter"/>, GELU(x · Wᵀ + b + Adapter(x)), unfused.
    /// </summary>
    public Tensor ForwardGelu(Tensor x, GeluApproximation approximation)
    {
        var bias = Bias ?? throw new InvalidOperationException("Linear.ForwardGelu: the fused op adds the bias in the GELU pass; this layer has none.");
        if (Adapter is not null) return Forward(x).Gelu(approximation); // the adapter's term goes in before the GELU
        if (Quantized is { } int8) return x.LinearGelu(int8, bias, approximation);
        return Inference is { } weight ? x.LinearGelu(weight, bias, approximation) : x.LinearGelu(Weight, bias, approximation);
    }

    /// <summary>The bfloat16 weight when there is one and no graph records.</summary>
    private BFloat16Weight? Inference => GradMode.IsEnabled ? null : InferenceWeight;

    /// <summary>The int8 weight when there is one and no graph records.</summary>
    private Int8Weight? Quantized => GradMode.IsEnabled ? null : QuantizedWeight;

    internal static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
