using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// Groups translation examples into batches of similar length, so little of a batch is padding: examples are sorted by
/// source then target length (ties in a seeded random order), cut into consecutive groups of the batch size, and the
/// groups are visited in a seeded random order. Epoch e of seed s is always the same batches in the same order.
/// </summary>
public static class Seq2SeqBatching
{
    /// <summary>The example indices of each batch of epoch <paramref name="epoch"/>, in visiting order; every example once.</summary>
    /// <param name="examples">The encoded training examples.</param>
    /// <param name="batchSize">Examples per batch (the last group of the sorted order may be smaller).</param>
    /// <param name="seed">Seed of the tie order and the batch order.</param>
    /// <param name="epoch">Epoch number (0, 1, …): each has its own order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A batch size below 1 or a negative epoch.</exception>
    public static IReadOnlyList<int[]> ByLength(IReadOnlyList<Seq2SeqExample> examples, int batchSize, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "must be 0 or more");
        var random = SplitMix64.Derive(seed, epoch);
        var order = new int[examples.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        random.Shuffle(order);
        // A stable sort keeps the shuffled order among equal lengths.
        int[] sorted = [.. order.OrderBy(i => examples[i].SourceIds.Length).ThenBy(i => examples[i].TargetIds.Length)];
        var batches = new int[(sorted.Length + batchSize - 1) / batchSize][];
        for (int b = 0; b < batches.Length; b++)
            batches[b] = sorted[(b * batchSize)..Math.Min(sorted.Length, (b + 1) * batchSize)];
        var batchOrder = new int[batches.Length];
        for (int i = 0; i < batchOrder.Length; i++) batchOrder[i] = i;
        random.Shuffle(batchOrder);
        return [.. batchOrder.Select(b => batches[b])];
    }
}
