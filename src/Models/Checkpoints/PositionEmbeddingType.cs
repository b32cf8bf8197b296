namespace LlmForge.Checkpoints;

/// <summary>How token positions enter the model (config.json "position_embedding_type").</summary>
public enum PositionEmbeddingType
{
    /// <summary>"absolute": a learned table wpe [n_positions, C] added to the token embeddings (GPT-2).</summary>
    Absolute,

    /// <summary>"rope": rotary embeddings applied to q and k in every attention layer, no wpe table.</summary>
    Rope,
}
