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
        return LengthBatching.ByKey(examples.Count, i => (examples[i].SourceIds.Length, examples[i].TargetIds.Length), batchSize, seed, epoch);
    }
}
