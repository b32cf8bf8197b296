namespace LlmForge.Layers;

/// <summary>Which head dims a rotary encoding turns together (config.json rope_convention, an LlmForge key).</summary>
public enum RotaryConvention
{
    /// <summary>
    /// "rotate_half": dims i and i + hs/2 form pair i (GPT-NeoX, Hugging Face Llama/Mistral/Qwen2 — whose converted
    /// checkpoints permute Meta's q/k weights into this order). The default.
    /// </summary>
    RotateHalf,

    /// <summary>"interleaved": dims 2i and 2i + 1 form pair i (GPT-J, Meta's original Llama code, RoFormer).</summary>
    Interleaved,
}
