using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// y = x · Wᵀ + b for a bfloat16 weight (<see cref="BFloat16Weight"/>): x [.., in], weight [out, in], bias [out]
    /// or null → y [.., out], computed in float32. Inference only: it records no graph, so with recording on
    /// (<see cref="GradMode"/>) no input may require grad.
    /// </summary>
    public static Tensor Linear(this Tensor x, BFloat16Weight weight, Tensor? bias = null)
    {
        var (rows, inDim, outDim) = CheckBFloat16Linear("Linear", x, weight, bias);
        var y = NewWithLastDim(x, outDim, overwritten: true);
        x.Backend.GemmBf16(rows, outDim, inDim, x.Data, weight.Data, y.Data); // y [rows, out] = x [rows, in] · Wᵀ
        if (bias is not null) x.Backend.AddRowBroadcast(y.Data, bias.Data, y.Data, rows, outDim);
        return y;
    }

    /// <summary>GELU(x · Wᵀ + b) for a bfloat16 weight, as <see cref="LinearGelu(Tensor, Tensor, Tensor, GeluApproximation)"/>; inference only.</summary>
    public static Tensor LinearGelu(this Tensor x, BFloat16Weight weight, Tensor bias, GeluApproximation approximation = GeluApproximation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(bias);
        var (rows, inDim, outDim) = CheckBFloat16Linear("LinearGelu", x, weight, bias);
        float[] z = TensorArena.AllocateUninitialized((long)rows * outDim); // both kernels write every element
        x.Backend.GemmBf16(rows, outDim, inDim, x.Data, weight.Data, z); // z [rows, out] = x · Wᵀ
        var y = NewWithLastDim(x, outDim, overwritten: true);
        x.Backend.BiasGelu(z, bias.Data, y.Data, rows, outDim, approximation);
        TensorArena.Release(z);
        return y;
    }

    private static (int Rows, int In, int Out) CheckBFloat16Linear(string op, Tensor x, BFloat16Weight weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return CheckInferenceLinear(op, "bfloat16", x, weight.Backend, weight.OutFeatures, weight.InFeatures, bias);
    }
}
