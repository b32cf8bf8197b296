namespace LlmForge.Layers;

/// <summary>
/// The position-wise feed-forward of a transformer block, (B, T, C) → (B, T, C): the plain MLP
/// (<see cref="FeedForward"/>) or the gated one (<see cref="GatedFeedForward"/>, SwiGLU / GeGLU).
/// </summary>
public interface IFeedForward : ITensorModule
{
    /// <summary>C, the width of input and output.</summary>
    int EmbeddingDim { get; }

    /// <summary>The hidden width the activation runs on (4·C in GPT-2).</summary>
    int HiddenDim { get; }
}
