namespace LlmForge.Layers;

/// <summary>How a <see cref="SinusoidalPositionalEncoding"/> lays its sines and cosines over the model's dims.</summary>
public enum SinusoidLayout
{
    /// <summary>sin on dim 2i, cos on dim 2i+1 ("Attention Is All You Need", §3.5 as written).</summary>
    Interleaved,

    /// <summary>
    /// Every sin first, then every cos: dim i is sin(t·ω_i) and dim ⌈C/2⌉ + i is cos(t·ω_i) (Marian, fairseq, tensor2tensor;
    /// Hugging Face's MarianSinusoidalPositionalEmbedding).
    /// </summary>
    Halves,
}
