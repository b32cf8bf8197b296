using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// The keys and values of the target tokens a decoder has seen, one <see cref="KvCache"/> per decoder layer's
/// self-attention, so a decoding step computes its new token only. The cross-attention needs none: its keys and values
/// come from the source, projected once per input by a caching <see cref="AttentionMemory"/>.
/// </summary>
public sealed class DecoderKvCache
{
    /// <summary>A cache for <paramref name="layers"/> decoder layers of at most <paramref name="maxLength"/> target tokens.</summary>
    public DecoderKvCache(int layers, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        caches = new KvCache[layers];
        for (int i = 0; i < layers; i++) caches[i] = KvCache.Growing(maxLength);
    }

    private readonly KvCache[] caches;

    /// <summary>Each decoder layer's self-attention cache.</summary>
    public IReadOnlyList<IKvCache> Layers => caches;

    /// <summary>Target tokens held (the position of the next one).</summary>
    public int Length { get; private set; }

    /// <summary>
    /// Keeps rows <paramref name="rows"/> of the batch in every layer, in that order (<see cref="KvCache.SelectRows"/>):
    /// beam search's reorder of the cache after each step, and its expansion of each input's row to its beams.
    /// </summary>
    public void SelectRows(ReadOnlySpan<int> rows)
    {
        foreach (var cache in caches) cache.SelectRows(rows);
    }

    /// <summary>Records <paramref name="tokens"/> more tokens per row (the decoder calls it after a pass).</summary>
    internal void Advance(int tokens) => Length += tokens;
}
