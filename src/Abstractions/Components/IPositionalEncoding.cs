using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// How token positions enter a transformer. An encoding acts in one of two places, and each method returns its
/// input unchanged where the encoding does not act:
/// <list type="bullet">
/// <item>on the embeddings, once before the first block: a learned table (GPT-2's wpe) or the original
/// transformer's sinusoids, added per position (<see cref="EncodeEmbeddings"/>);</item>
/// <item>on the queries and keys inside every attention layer: rotary embeddings turn q and k of every head by
/// a position-dependent angle (<see cref="EncodeQueryKey"/>), so scores depend on relative positions.</item>
/// </list>
/// Positions run from <c>startPosition</c> (0, or the length of a KV cache) to <c>startPosition + T − 1</c>.
/// </summary>
public interface IPositionalEncoding
{
    /// <summary>Token embeddings (B, T, C) → (B, T, C) with position information added (or unchanged).</summary>
    Tensor EncodeEmbeddings(Tensor embeddings, int startPosition);

    /// <summary>Queries or keys of every head (B, nh, T, hs) → (B, nh, T, hs), rotated (or unchanged).</summary>
    Tensor EncodeQueryKey(Tensor queryOrKey, int startPosition);
}
