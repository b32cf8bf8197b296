using LlmForge.Backends;

namespace LlmForge.Autograd;

/// <summary>
/// A linear layer's weight [out, in] stored as 8-bit blocks (<see cref="Q8Blocks"/>, ggml's q8_0) for inference:
/// <see cref="F.Linear(Tensor, Int8Weight, Tensor?)"/> reads about 28 % of the bytes of the float32 weight it was
/// quantized from (GPT-2 small: 140 MB per token instead of 498). Not a <see cref="Tensor"/>: no gradient reaches
/// it, so training keeps the float32 weight and a new copy is quantized after it changes.
/// </summary>
public sealed class Int8Weight
{
    /// <summary>Quantizes <paramref name="weight"/> [out, in], every row in blocks of 32 with a float scale each.</summary>
    /// <exception cref="ArgumentException">The weight is not [out, in], or holds a value that is not finite.</exception>
    public Int8Weight(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Int8Weight: weight {Shapes.Format(weight.Shape)} must be [out, in].", nameof(weight));
        Backend = weight.Backend;
        (OutFeatures, InFeatures) = (weight.Shape[0], weight.Shape[1]);
        Quants = new sbyte[(long)OutFeatures * Q8Blocks.PaddedLength(InFeatures)];
        Scales = new float[(long)OutFeatures * Q8Blocks.BlocksPerRow(InFeatures)];
        Q8Blocks.Quantize(weight.Data, OutFeatures, InFeatures, Quants, Scales);
    }

    /// <summary>The backend of the weight it was quantized from, whose kernels multiply by it.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>Rows of the weight: the layer's output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Columns of the weight: the layer's input features.</summary>
    public int InFeatures { get; }

    /// <summary>The int8 quants, [out, <see cref="Q8Blocks.PaddedLength"/>(in)] (a partial last block padded with zeros).</summary>
    public sbyte[] Quants { get; }

    /// <summary>One scale per block, [out, <see cref="Q8Blocks.BlocksPerRow"/>(in)].</summary>
    public float[] Scales { get; }

    /// <summary>Bytes of quants and scales: what one token's product reads.</summary>
    public long Bytes => Quants.LongLength + sizeof(float) * Scales.LongLength;

    /// <summary>The float32 values the blocks stand for (q · d), as a new leaf tensor [out, in].</summary>
    public Tensor ToTensor()
    {
        var values = new float[(long)OutFeatures * InFeatures];
        Q8Blocks.Dequantize(Quants, Scales, OutFeatures, InFeatures, values);
        return Tensor.FromArray(Backend, values, OutFeatures, InFeatures);
    }
}
