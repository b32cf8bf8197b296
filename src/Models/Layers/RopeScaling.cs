namespace LlmForge.Layers;

/// <summary>The rope_scaling kinds LlmForge computes.</summary>
public enum RopeScalingType
{
    /// <summary>"linear": every frequency divided by the factor (positions stretched: t / factor).</summary>
    Linear,

    /// <summary>
    /// "llama3" (Llama 3.1/3.2): low frequencies (wavelength above original_max_position_embeddings / low_freq_factor)
    /// divided by the factor, high ones (wavelength below original_max_position_embeddings / high_freq_factor) kept, and
    /// those between blended smoothly.
    /// </summary>
    Llama3,
}

/// <summary>
/// config.json's rope_scaling: how the rotary frequencies θ_i = rope_theta^(−2i/hs) are remapped to stretch a model
/// trained on a shorter context. The remapping is transformers' (_compute_linear_scaling_rope_parameters,
/// _compute_llama3_parameters); the attention scaling of both is 1.
/// </summary>
/// <param name="Type">rope_type (or the older "type").</param>
/// <param name="Factor">factor: how much longer the context becomes (&gt; 0).</param>
/// <param name="LowFreqFactor">llama3's low_freq_factor (Llama 3.1: 1).</param>
/// <param name="HighFreqFactor">llama3's high_freq_factor (Llama 3.1: 4), above <paramref name="LowFreqFactor"/>.</param>
/// <param name="OriginalMaxPositionEmbeddings">llama3's original_max_position_embeddings (Llama 3.1: 8192).</param>
public sealed record RopeScaling(RopeScalingType Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4,
    int OriginalMaxPositionEmbeddings = 8192)
{
    /// <summary>The first problem, naming the rope_scaling key, or null when the values are usable.</summary>
    public string? FindError()
    {
        if (!(double.IsFinite(Factor) && Factor > 0)) return $"rope_scaling.factor must be positive, got {Factor}.";
        if (Type != RopeScalingType.Llama3) return null;
        if (!(double.IsFinite(LowFreqFactor) && LowFreqFactor > 0)) return $"rope_scaling.low_freq_factor must be positive, got {LowFreqFactor}.";
        if (!(double.IsFinite(HighFreqFactor) && HighFreqFactor > LowFreqFactor))
            return $"rope_scaling.high_freq_factor {HighFreqFactor} must be above low_freq_factor {LowFreqFactor}.";
        return OriginalMaxPositionEmbeddings > 0 ? null
            : $"rope_scaling.original_max_position_embeddings must be positive, got {OriginalMaxPositionEmbeddings}.";
    }

    /// <summary>The remapped inverse frequency of one pair whose unscaled one is <paramref name="inverseFrequency"/>.</summary>
    public double Apply(double inverseFrequency)
    {
        if (Type == RopeScalingType.Linear) return inverseFrequency / Factor;
        double wavelength = 2 * Math.PI / inverseFrequency;
        double lowFreqWavelength = OriginalMaxPositionEmbeddings / LowFreqFactor;   // longer than this: slow, scaled
        double highFreqWavelength = OriginalMaxPositionEmbeddings / HighFreqFactor; // shorter than this: fast, kept
        if (wavelength > lowFreqWavelength) return inverseFrequency / Factor;
        if (wavelength < highFreqWavelength) return inverseFrequency;
        // between: a blend, from scaled (smooth 0) at the low-frequency end to kept (smooth 1) at the high one
        double smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
        return (1 - smooth) * inverseFrequency / Factor + smooth * inverseFrequency;
    }
}
