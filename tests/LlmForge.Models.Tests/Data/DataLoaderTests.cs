using System.Text.Json;
using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class DataLoaderTests
{
    private static SlidingWindowDataset Numbers(int n = 1001, int maxLength = 4, int stride = 4) =>
        new(Enumerable.Range(0, n).ToArray(), maxLength, stride);

    private static List<TokenBatch> Take(DataLoader loader, int count) =>
        Enumerable.Range(0, count).Select(_ => loader.NextBatch().Clone()).ToList();

    private static void AssertSameBatches(IReadOnlyList<TokenBatch> expected, IReadOnlyList<TokenBatch> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Inputs, actual[i].Inputs);
            Assert.Equal(expected[i].Targets, actual[i].Targets);
        }
    }

    [Fact]
    public void Unshuffled_BatchesFollowTheText()
    {
        // The book's batch_size=8, max_length=4, stride=4 example, on ids 0..1000.
        var loader = new DataLoader(Numbers(), batchSize: 8);
        Assert.Equal(32, loader.BatchesPerEpoch); // 250 windows → 31 full + 1 of 2

        var first = loader.NextBatch();
        Assert.Equal((8, 4), (first.BatchSize, first.SequenceLength));
        Assert.Equal(Enumerable.Range(0, 32), first.Inputs);
        Assert.Equal(Enumerable.Range(1, 32), first.Targets);
        Assert.Equal(new[] { 4, 5, 6, 7 }, first.InputRow(1).ToArray());
        Assert.Equal(new[] { 5, 6, 7, 8 }, first.TargetRow(1).ToArray());
        var second = loader.NextBatch();
        Assert.Equal(Enumerable.Range(32, 32), second.Inputs);
    }

    [Fact]
    public void LastPartialBatch_HasExactSize_UnlessDropped()
    {
        var ds = Numbers(n: 25, maxLength: 4, stride: 4); // 6 windows
        var keep = new DataLoader(ds, batchSize: 4);
        Assert.Equal(2, keep.BatchesPerEpoch);
        Assert.Equal(16, keep.NextBatch().Inputs.Length);
        var tail = keep.NextBatch();
        Assert.Equal(2, tail.BatchSize);
        Assert.Equal(8, tail.Inputs.Length);
        Assert.Equal(new[] { 16, 17, 18, 19, 20, 21, 22, 23 }, tail.Inputs);
        Assert.Equal((1, 0), (keep.Epoch, keep.BatchIndex));

        var drop = new DataLoader(ds, batchSize: 4, dropLast: true);
        Assert.Equal(1, drop.BatchesPerEpoch);
        drop.NextBatch();
        Assert.Equal(1, drop.Epoch);
        Assert.Equal(4, drop.NextBatch().BatchSize);
    }

    [Fact]
    public void Shuffle_SameSeedSameOrder_EachEpochAPermutation_ReshuffledPerEpoch()
    {
        var ds = Numbers(n: 101, maxLength: 4, stride: 4); // 25 windows
        var a = Take(new DataLoader(ds, 5, shuffle: true, seed: 123), 15); // 3 epochs
        var b = Take(new DataLoader(ds, 5, shuffle: true, seed: 123), 15);
        var c = Take(new DataLoader(ds, 5, shuffle: true, seed: 124), 15);
        AssertSameBatches(a, b);
        Assert.NotEqual(a[0].Inputs, c[0].Inputs);

        var epochs = Enumerable.Range(0, 3)
            .Select(e => a.Skip(5 * e).Take(5).SelectMany(batch => Enumerable.Range(0, 5).Select(r => batch.InputRow(r)[0] / 4)).ToArray())
            .ToArray();
        foreach (var order in epochs) Assert.Equal(Enumerable.Range(0, 25), order.Order()); // every window once
        Assert.NotEqual(Enumerable.Range(0, 25), epochs[0]);                               // shuffled
        Assert.NotEqual(epochs[0], epochs[1]);                                              // reshuffled
        Assert.NotEqual(epochs[1], epochs[2]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]   // exactly at an epoch boundary
    [InlineData(13)]  // mid third epoch
    public void Resume_FromSavedState_ContinuesTheUninterruptedOrder(int consumed)
    {
        var ds = Numbers(n: 101, maxLength: 4, stride: 3); // 33 windows, batches of 7 → 5 per epoch (last has 5)
        var uninterrupted = Take(new DataLoader(ds, 7, shuffle: true, seed: 99), consumed + 12);

        var first = new DataLoader(ds, 7, shuffle: true, seed: 99);
        Take(first, consumed);
        string json = JsonSerializer.Serialize(first.GetState());
        var state = JsonSerializer.Deserialize<DataLoaderState>(json)!;

        var resumed = new DataLoader(ds, 7, shuffle: true, seed: 0); // the seed comes from the state
        Take(resumed, 2);                                              // a used loader forgets its old order
        resumed.Restore(state);
        Assert.Equal(99, resumed.Seed);
        AssertSameBatches(uninterrupted.Skip(consumed).ToList(), Take(resumed, 12));
    }

    [Fact]
    public void ReadEpoch_YieldsTheRestOfTheCurrentEpoch()
    {
        var loader = new DataLoader(Numbers(n: 101), batchSize: 5); // 25 windows, 5 batches
        Assert.Equal(5, loader.ReadEpoch().Count());
        Assert.Equal((1, 0), (loader.Epoch, loader.BatchIndex));
        loader.NextBatch();
        loader.NextBatch();
        Assert.Equal(3, loader.ReadEpoch().Count());
        Assert.Equal(2, loader.Epoch);
    }

    [Fact]
    public void NextBatch_ReusesBuffers_NoAllocationPerBatch()
    {
        var loader = new DataLoader(Numbers(), batchSize: 8, shuffle: true, seed: 1); // 31 full batches + 1 of 2
        var instances = new HashSet<TokenBatch>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 2 * loader.BatchesPerEpoch; i++) instances.Add(loader.NextBatch());
        Assert.Equal(2, instances.Count); // one (8, 4) and one (2, 4) batch, reused

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) loader.NextBatch(); // ~31 epochs, each reshuffled
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Restore_WithDifferentData_NamesBothBatchCounts()
    {
        var saved = new DataLoader(Numbers(n: 101), batchSize: 5).GetState();
        var other = new DataLoader(Numbers(n: 201), batchSize: 5);
        var e = Assert.Throws<ArgumentException>(() => other.Restore(saved));
        Assert.Contains("5 batches per epoch but this loader has 10", e.Message);
        Assert.Throws<ArgumentException>(() => other.Restore(saved with { BatchesPerEpoch = 10, BatchIndex = 10 }));
    }

    [Fact]
    public void DropLast_WithFewerWindowsThanBatchSize_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(n: 13), batchSize: 8, dropLast: true));
        Assert.Contains("3 windows, fewer than BatchSize = 8", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbers(), batchSize: 0));
    }
}
