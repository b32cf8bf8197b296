namespace LlmForge.Checkpoints;

/// <summary>How token positions enter the model (config.json "position_embedding_type").</summary>
public enum PositionEmbeddingType
{
    /// <summary>"absolute": a learned table wpe [n_positions, C] added to the token embeddings (GPT-2).</summary>
    Absolute,

    /// <summary>"sinusoidal": the original transformer's fixed sin/cos table added to the token embeddings; no wpe.</summary>
    Sinusoidal,

    /// <summary>"rotary" (also read as "rope"): q and k of every head rotated by position (rope_theta); no wpe.</summary>
    Rotary,
}
