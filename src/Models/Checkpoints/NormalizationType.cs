namespace LlmForge.Checkpoints;

/// <summary>The normalization layer of each block and of the final norm (config.json "normalization").</summary>
public enum NormalizationType
{
    /// <summary>"layernorm": (x − mean) / sqrt(var + eps) · weight + bias (GPT-2).</summary>
    LayerNorm,

    /// <summary>"rmsnorm": x / sqrt(mean(x²) + eps) · weight, no bias.</summary>
    RmsNorm,
}
