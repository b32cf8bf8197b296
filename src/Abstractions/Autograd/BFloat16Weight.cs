using LlmForge.Backends;

namespace LlmForge.Autograd;

/// <summary>
/// A linear layer's weight [out, in] stored as <see cref="BFloat16"/> for inference: <see cref="F.Linear(Tensor, BFloat16Weight, Tensor?)"/>
/// reads half the bytes of the float32 weight it was rounded from, which is what one token's pass through a model
/// costs (GPT-2 small: 249 MB per token instead of 498). Not a <see cref="Tensor"/>: no gradient reaches it, so
/// training keeps the float32 weight and a new copy is rounded after it changes.
/// </summary>
public sealed class BFloat16Weight
{
    /// <summary>Rounds <paramref name="weight"/> [out, in] to bfloat16 (to nearest, ties to even).</summary>
    public BFloat16Weight(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"BFloat16Weight: weight {Shapes.Format(weight.Shape)} must be [out, in].", nameof(weight));
        Backend = weight.Backend;
        (OutFeatures, InFeatures) = (weight.Shape[0], weight.Shape[1]);
        Data = new ushort[weight.Length];
        BFloat16.FromFloat(weight.Data, Data);
    }

    /// <summary>The backend of the weight it was rounded from, whose kernels multiply by it.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>Rows of the weight: the layer's output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Columns of the weight: the layer's input features.</summary>
    public int InFeatures { get; }

    /// <summary>The values, row-major [out, in].</summary>
    public ushort[] Data { get; }

    /// <summary>The float32 values the bfloat16 ones stand for, as a new leaf tensor [out, in].</summary>
    public Tensor ToTensor()
    {
        var values = new float[Data.Length];
        BFloat16.ToFloat(Data, values);
        return Tensor.FromArray(Backend, values, OutFeatures, InFeatures);
    }
}
