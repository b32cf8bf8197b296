using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// One layer's KV cache as a decoder holds it: an <see cref="IKvCache"/> whose memory is a number of token slots
/// (<see cref="KvCache"/>: growing or a ring; <see cref="SinkKvCache"/>: sinks + a rolling window).
/// </summary>
public interface ISlotKvCache : IKvCache
{
    /// <summary>Slots allocated now: the keys and values held are (B, nh, Capacity, hs).</summary>
    int Capacity { get; }

    /// <summary>nh of the keys and values held: the attention's key/value heads (n_kv under grouped-query attention); 0 before the first append.</summary>
    int Heads { get; }

    /// <summary>Slots that may be appended in all; int.MaxValue when the cache rolls (decoding without end).</summary>
    int MaxLength { get; }
}
