using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// y = x · Wᵀ + b for an 8-bit weight (<see cref="Int8Weight"/>): x [.., in], weight [out, in], bias [out] or
    /// null → y [.., out]. One or a few rows (decoding) quantize x per block of 32 too and sum int8 products, as
    /// ggml's q8_0 × q8_0 dot; more rows (a prompt) multiply float x by the dequantized weight
    /// (<see cref="ITensorBackend.GemmQ8"/>). Inference only: with recording on (<see cref="GradMode"/>) no input may require grad.
    /// </summary>
    public static Tensor Linear(this Tensor x, Int8Weight weight, Tensor? bias = null)
    {
        var (rows, inDim, outDim) = CheckInt8Linear("Linear", x, weight, bias);
        var y = NewWithLastDim(x, outDim, overwritten: true);
        x.Backend.GemmQ8(rows, outDim, inDim, x.Data, weight.Quants, weight.Scales, y.Data); // y [rows, out] = x [rows, in] · Wᵀ
        if (bias is not null) x.Backend.AddRowBroadcast(y.Data, bias.Data, y.Data, rows, outDim);
        return y;
    }

    /// <summary>GELU(x · Wᵀ + b) for an 8-bit weight, as <see cref="LinearGelu(Tensor, Tensor, Tensor, GeluApproximation)"/>; inference only.</summary>
    public static Tensor LinearGelu(this Tensor x, Int8Weight weight, Tensor bias, GeluApproximation approximation = GeluApproximation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(bias);
        var (rows, inDim, outDim) = CheckInt8Linear("LinearGelu", x, weight, bias);
        float[] z = TensorArena.AllocateUninitialized((long)rows * outDim); // both kernels write every element
        x.Backend.GemmQ8(rows, outDim, inDim, x.Data, weight.Quants, weight.Scales, z); // z [rows, out] = x · Wᵀ
        var y = NewWithLastDim(x, outDim, overwritten: true);
        x.Backend.BiasGelu(z, bias.Data, y.Data, rows, outDim, approximation);
        TensorArena.Release(z);
        return y;
    }

    private static (int Rows, int In, int Out) CheckInt8Linear(string op, Tensor x, Int8Weight weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return CheckInferenceLinear(op, "int8", x, weight.Backend, weight.OutFeatures, weight.InFeatures, bias);
    }
}
