using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// Batches of similar length, so little of a padded batch is padding: the examples are shuffled (seed, epoch), sorted
/// by length (a stable sort, so equal lengths keep the shuffled order), cut into consecutive groups of the batch size,
/// and the groups visited in a seeded random order. Epoch e of seed s is always the same batches in the same order.
/// </summary>
public static class LengthBatching
{
    /// <summary>The example indices of each batch of epoch <paramref name="epoch"/>, in visiting order; every example once.</summary>
    /// <param name="lengths">Each example's length (tokens).</param>
    /// <param name="batchSize">Examples per batch (one group of the sorted order may be smaller).</param>
    /// <param name="seed">Seed of the tie order and the batch order.</param>
    /// <param name="epoch">Epoch number (0, 1, …): each has its own order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A batch size below 1 or a negative epoch.</exception>
    public static int[][] ByLength(IReadOnlyList<int> lengths, int batchSize, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        return ByKey(lengths.Count, i => lengths[i], batchSize, seed, epoch);
    }

    /// <summary>
    /// As <see cref="ByLength"/>, sorting by any key of an example's index (a source and target length pair, say,
    /// compared in that order).
    /// </summary>
    /// <param name="count">Examples.</param>
    /// <param name="key">The sort key of example i.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="seed">Seed of the tie order and the batch order.</param>
    /// <param name="epoch">Epoch number.</param>
    /// <exception cref="ArgumentOutOfRangeException">A batch size below 1 or a negative epoch.</exception>
    public static int[][] ByKey<TKey>(int count, Func<int, TKey> key, int batchSize, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var random = SplitMix64.Derive(seed, epoch);
        var order = new int[count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        random.Shuffle(order);
        int[] sorted = [.. order.OrderBy(key)]; // stable: equal keys keep the shuffled order
        var batches = new int[(sorted.Length + batchSize - 1) / batchSize][];
        for (int b = 0; b < batches.Length; b++)
            batches[b] = sorted[(b * batchSize)..Math.Min(sorted.Length, (b + 1) * batchSize)];
        var batchOrder = new int[batches.Length];
        for (int i = 0; i < batchOrder.Length; i++) batchOrder[i] = i;
        random.Shuffle(batchOrder);
        return [.. batchOrder.Select(b => batches[b])];
    }
}
