namespace LlmForge.Backends.Profiling;

/// <summary>
/// The groups a profile sums its kernels into, after issue 22's breakdown: where a step's time goes, by kind of work.
/// </summary>
public enum KernelFamily
{
    /// <summary>Matrix products: Gemm, GemmStridedBatched, GemmBf16, GemmQ8 (the only family whose FLOPs are counted).</summary>
    Gemm,

    /// <summary>Fused attention, forward and backward, and the softmax of unfused attention.</summary>
    Attention,

    /// <summary>LayerNorm and RMSNorm, forward and backward.</summary>
    Norms,

    /// <summary>Element-wise arithmetic, bias adds, broadcasts, activations and their backward passes, dropout.</summary>
    Elementwise,

    /// <summary>AdamW and the gradient norm (Σ x²) that clipping and the NaN policy read.</summary>
    Optimizer,

    /// <summary>Embedding gathers and scatters, the fused cross-entropy and its backward pass.</summary>
    EmbeddingCrossEntropy,

    /// <summary>Every other kernel: reductions over the last axis and permutes (layout copies).</summary>
    Other,
}
