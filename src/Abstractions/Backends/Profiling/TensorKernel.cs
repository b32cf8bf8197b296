namespace LlmForge.Backends.Profiling;

/// <summary>
/// One member per kernel of <see cref="ITensorBackend"/>, named as the method, so a profile can count them in an
/// array. A test checks the two lists agree; a kernel added to the interface needs its member here and its family in
/// <see cref="TensorKernels.Family"/>.
/// </summary>
public enum TensorKernel
{
    /// <summary><see cref="ITensorBackend.Gemm"/>.</summary>
    Gemm,

    /// <summary><see cref="ITensorBackend.GemmStridedBatched"/>.</summary>
    GemmStridedBatched,

    /// <summary><see cref="ITensorBackend.GemmBf16"/>.</summary>
    GemmBf16,

    /// <summary><see cref="ITensorBackend.GemmQ8"/>.</summary>
    GemmQ8,

    /// <summary><see cref="ITensorBackend.Add"/>.</summary>
    Add,

    /// <summary><see cref="ITensorBackend.Mul"/>.</summary>
    Mul,

    /// <summary><see cref="ITensorBackend.Scale"/>.</summary>
    Scale,

    /// <summary><see cref="ITensorBackend.Axpy"/>.</summary>
    Axpy,

    /// <summary><see cref="ITensorBackend.AddRowBroadcast"/>.</summary>
    AddRowBroadcast,

    /// <summary><see cref="ITensorBackend.MulRowBroadcast"/>.</summary>
    MulRowBroadcast,

    /// <summary><see cref="ITensorBackend.AddColumnSums"/>.</summary>
    AddColumnSums,

    /// <summary><see cref="ITensorBackend.Exp"/>.</summary>
    Exp,

    /// <summary><see cref="ITensorBackend.Tanh"/>.</summary>
    Tanh,

    /// <summary><see cref="ITensorBackend.TanhBackward"/>.</summary>
    TanhBackward,

    /// <summary><see cref="ITensorBackend.Gelu"/>.</summary>
    Gelu,

    /// <summary><see cref="ITensorBackend.GeluBackward"/>.</summary>
    GeluBackward,

    /// <summary><see cref="ITensorBackend.BiasGelu"/>.</summary>
    BiasGelu,

    /// <summary><see cref="ITensorBackend.BiasGeluBackward"/>.</summary>
    BiasGeluBackward,

    /// <summary><see cref="ITensorBackend.GatedActivation"/>.</summary>
    GatedActivation,

    /// <summary><see cref="ITensorBackend.GatedActivationBackward"/>.</summary>
    GatedActivationBackward,

    /// <summary><see cref="ITensorBackend.Map"/>.</summary>
    Map,

    /// <summary><see cref="ITensorBackend.MapBackward"/>.</summary>
    MapBackward,

    /// <summary><see cref="ITensorBackend.AddColumnBroadcast"/>.</summary>
    AddColumnBroadcast,

    /// <summary><see cref="ITensorBackend.MulColumnBroadcast"/>.</summary>
    MulColumnBroadcast,

    /// <summary><see cref="ITensorBackend.SumOfSquares"/>.</summary>
    SumOfSquares,

    /// <summary><see cref="ITensorBackend.SumLastAxis"/>.</summary>
    SumLastAxis,

    /// <summary><see cref="ITensorBackend.MaxLastAxis"/>.</summary>
    MaxLastAxis,

    /// <summary><see cref="ITensorBackend.Softmax"/>.</summary>
    Softmax,

    /// <summary><see cref="ITensorBackend.SoftmaxBackward"/>.</summary>
    SoftmaxBackward,

    /// <summary><see cref="ITensorBackend.AttentionForward"/>.</summary>
    AttentionForward,

    /// <summary><see cref="ITensorBackend.AttentionBackward"/>.</summary>
    AttentionBackward,

    /// <summary><see cref="ITensorBackend.LayerNorm"/>.</summary>
    LayerNorm,

    /// <summary><see cref="ITensorBackend.LayerNormBackward"/>.</summary>
    LayerNormBackward,

    /// <summary><see cref="ITensorBackend.RmsNorm"/>.</summary>
    RmsNorm,

    /// <summary><see cref="ITensorBackend.RmsNormBackward"/>.</summary>
    RmsNormBackward,

    /// <summary><see cref="ITensorBackend.EmbeddingGather"/>.</summary>
    EmbeddingGather,

    /// <summary><see cref="ITensorBackend.EmbeddingScatterAdd"/>.</summary>
    EmbeddingScatterAdd,

    /// <summary><see cref="ITensorBackend.CrossEntropy"/>.</summary>
    CrossEntropy,

    /// <summary><see cref="ITensorBackend.CrossEntropyBackward"/>.</summary>
    CrossEntropyBackward,

    /// <summary><see cref="ITensorBackend.AdamW"/>.</summary>
    AdamW,

    /// <summary><see cref="ITensorBackend.Dropout"/>.</summary>
    Dropout,

    /// <summary><see cref="ITensorBackend.Permute"/>.</summary>
    Permute,
}

/// <summary>What a profile needs to know of each <see cref="TensorKernel"/>.</summary>
public static class TensorKernels
{
    /// <summary>Every kernel, in declaration order.</summary>
    public static IReadOnlyList<TensorKernel> All { get; } = Enum.GetValues<TensorKernel>();

    /// <summary>The family a kernel's time is summed into.</summary>
    public static KernelFamily Family(TensorKernel kernel) => kernel switch
    {
        TensorKernel.Gemm or TensorKernel.GemmStridedBatched or TensorKernel.GemmBf16 or TensorKernel.GemmQ8 => KernelFamily.Gemm,
        TensorKernel.AttentionForward or TensorKernel.AttentionBackward
            or TensorKernel.Softmax or TensorKernel.SoftmaxBackward => KernelFamily.Attention,
        TensorKernel.LayerNorm or TensorKernel.LayerNormBackward
            or TensorKernel.RmsNorm or TensorKernel.RmsNormBackward => KernelFamily.Norms,
        TensorKernel.AdamW or TensorKernel.SumOfSquares => KernelFamily.Optimizer,
        TensorKernel.EmbeddingGather or TensorKernel.EmbeddingScatterAdd
            or TensorKernel.CrossEntropy or TensorKernel.CrossEntropyBackward => KernelFamily.EmbeddingCrossEntropy,
        TensorKernel.SumLastAxis or TensorKernel.MaxLastAxis or TensorKernel.Permute => KernelFamily.Other,
        TensorKernel.Add or TensorKernel.Mul or TensorKernel.Scale or TensorKernel.Axpy
            or TensorKernel.AddRowBroadcast or TensorKernel.MulRowBroadcast or TensorKernel.AddColumnSums
            or TensorKernel.AddColumnBroadcast or TensorKernel.MulColumnBroadcast
            or TensorKernel.Exp or TensorKernel.Tanh or TensorKernel.TanhBackward
            or TensorKernel.Gelu or TensorKernel.GeluBackward or TensorKernel.BiasGelu or TensorKernel.BiasGeluBackward
            or TensorKernel.GatedActivation or TensorKernel.GatedActivationBackward
            or TensorKernel.Map or TensorKernel.MapBackward or TensorKernel.Dropout => KernelFamily.Elementwise,
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "a kernel without a family"),
    };

    /// <summary>The family's name in benchmark output: gemm, attention, norms, elementwise, optimizer, embedding/cross-entropy, other-kernels.</summary>
    public static string Name(KernelFamily family) => family switch
    {
        KernelFamily.Gemm => "gemm",
        KernelFamily.Attention => "attention",
        KernelFamily.Norms => "norms",
        KernelFamily.Elementwise => "elementwise",
        KernelFamily.Optimizer => "optimizer",
        KernelFamily.EmbeddingCrossEntropy => "embedding/cross-entropy",
        KernelFamily.Other => "other-kernels",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a kernel family"),
    };
}
