namespace LlmForge.Inspection;

/// <summary>
/// What a forward pass returns besides its output, as Hugging Face's <c>output_attentions</c> and
/// <c>output_hidden_states</c>: nothing by default, so the default pass keeps its fused kernels and does no extra work.
/// </summary>
[Flags]
public enum ForwardOutputs
{
    /// <summary>The output only.</summary>
    None = 0,

    /// <summary>Every layer's attention probabilities, (B, nh, T, T) each, computed by the unfused path.</summary>
    Attentions = 1,

    /// <summary>The embeddings' output and every block's output, (B, T, C) each.</summary>
    HiddenStates = 2,
}
