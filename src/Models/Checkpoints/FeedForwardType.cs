namespace LlmForge.Checkpoints;

/// <summary>
/// feed_forward (LlmForge's config.json key): which feed-forward a GPT block has. Written only for
/// <see cref="Gated"/>, so the configs of plain-MLP models read and write as before.
/// </summary>
public enum FeedForwardType
{
    /// <summary>"mlp": GPT-2's c_fc → activation → c_proj (<see cref="Layers.FeedForward"/>).</summary>
    Mlp,

    /// <summary>
    /// "gated": down_proj(act(gate_proj(x)) ⊙ up_proj(x)) (<see cref="Layers.GatedFeedForward"/>): SwiGLU with
    /// activation_function "silu", GeGLU with "gelu".
    /// </summary>
    Gated,
}
