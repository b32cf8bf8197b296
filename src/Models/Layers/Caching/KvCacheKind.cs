namespace LlmForge.Layers;

/// <summary>What a decoder keeps of the tokens it has seen (<see cref="KvCachePolicy.Kind"/>).</summary>
public enum KvCacheKind
{
    /// <summary>
    /// Every token, at its own position, up to the context length (today's behaviour): past it, absolute positions
    /// re-encode the last context, a rotary sliding-window model keeps its ring buffers.
    /// </summary>
    Dense,

    /// <summary>
    /// Sliding re-encode: each token is predicted from a fresh forward over the last Window tokens (positions from 0),
    /// so nothing is cached once the window is full: exact, and O(Window²) work per token.
    /// </summary>
    Recompute,

    /// <summary>A rolling cache of the last Window tokens only (rotary models): constant memory and time per token.</summary>
    Window,

    /// <summary>
    /// Attention sinks (StreamingLLM): the first Sinks tokens plus the last Window, positions counted inside the
    /// cache (rotary models): constant memory and time per token.
    /// </summary>
    Sink,
}
