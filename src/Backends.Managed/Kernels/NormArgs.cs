namespace LlmForge.Backends.Managed;

/// <summary>
/// A normalization's pinned buffers and sizes, the state of its row chunks (<see cref="LayerNormKernels"/>,
/// <see cref="RmsNormKernels"/>): x and y [rows, cols], gamma and beta [cols], mean and rstd [rows].
/// Beta is null without a bias; RMSNorm has neither beta nor mean.
/// </summary>
internal readonly unsafe struct NormArgs
{
    public float* X { get; init; }
    public float* Gamma { get; init; }
    public float* Beta { get; init; }
    public float* Y { get; init; }
    public float* Mean { get; init; }
    public float* Rstd { get; init; }
    public int Cols { get; init; }
    public float Eps { get; init; }
}

/// <summary>
/// A normalization's backward pass, the state of its row chunks: the forward pass's buffers, the gradients
/// dy and dx [rows, cols], dgamma and dbeta [cols], and the per-chunk sums of dgamma and dbeta.
/// DBeta is null without a bias; RMSNorm has neither dbeta nor mean.
/// </summary>
internal readonly unsafe struct NormBackwardArgs
{
    public float* DY { get; init; }
    public float* X { get; init; }
    public float* Gamma { get; init; }
    public float* Mean { get; init; }
    public float* Rstd { get; init; }
    public float* DX { get; init; }
    public float* DGamma { get; init; }
    public float* DBeta { get; init; }
    public int Cols { get; init; }
    public PartialSums Partials { get; init; }
}
