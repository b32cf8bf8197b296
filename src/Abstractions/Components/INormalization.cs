using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// A normalization layer over the last axis, (.., C) → (.., C): LayerNorm (GPT-2, BERT) or RMSNorm (Llama),
/// picked by a configuration key. Used before (pre-LN) or after (post-LN) each sub-layer and as the final norm.
/// </summary>
public interface INormalization
{
    /// <summary>Normalizes <paramref name="x"/> (.., C) over its last axis; returns (.., C).</summary>
    Tensor Forward(Tensor x);
}
