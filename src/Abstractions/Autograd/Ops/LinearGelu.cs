using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// GELU(x · Wᵀ + b), the first half of a transformer feed-forward, in two kernels: the GEMM without bias, then
    /// the fused bias + GELU (<see cref="ITensorBackend.BiasGelu"/>). Equals <c>x.Linear(weight, bias).Gelu(approximation)</c>
    /// to float rounding. x [.., in], weight [out, in], bias [out] → y [.., out].
    /// </summary>
    /// <remarks>
    /// Saved for backward: the GEMM output z = x · Wᵀ [rows, out] only. The pre-activation z + b is recomputed by the
    /// backward kernel (one add per element) rather than stored (a write and a read of [rows, out]). Against the unfused
    /// Linear + Gelu, which hold the same two [rows, out] buffers, the forward pass saves the AddRowBroadcast pass
    /// (read + write of z) and the backward pass the AddColumnSums pass over the gradient.
    /// </remarks>
    public static Tensor LinearGelu(this Tensor x, Tensor weight, Tensor bias, GeluApproximation approximation = GeluApproximation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(bias);
        var (rows, inDim, outDim) = CheckLinear("LinearGelu", x, weight, bias);

        var backend = x.Backend;
        float[] z = TensorArena.AllocateUninitialized((long)rows * outDim); // both written whole by their kernels
        // z [rows, out] = x [rows, in] · Wᵀ; y = GELU(z + b)
        backend.Gemm(false, true, rows, outDim, inDim, 1f, x.Data, inDim, weight.Data, inDim, 0f, z, outDim);
        var y = NewUninitializedWithLastDim(x, outDim);
        backend.BiasGelu(z, bias.Data, y.Data, rows, outDim, approximation);

        return Graph.Record(y, "LinearGelu", [x, weight, bias], (x, weight, bias, z, rows, outDim, approximation), static (s, dy) =>
        {
            var (x, weight, bias, z, rows, outDim, approximation) = s;
            // dz = d(z + b) = dy ⊙ GELU'(z + b), and db += Σ_rows dz, in one pass; then the GEMM backward of z.
            float[] dz = TensorArena.Allocate(z.Length);
            x.Backend.BiasGeluBackward(z, bias.Data, dy, dz, bias.RequiresGrad ? bias.GradBuffer() : Span<float>.Empty,
                rows, outDim, approximation);
            LinearBackward(x, weight, dz, rows);
            TensorArena.Release(dz);
        });
    }
}
