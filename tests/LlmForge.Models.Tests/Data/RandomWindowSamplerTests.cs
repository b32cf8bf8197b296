using System.Text.Json;
using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class RandomWindowSamplerTests
{
    private static readonly int[] Ids = Enumerable.Range(0, 20).ToArray();

    [Fact]
    public void Rows_AreContiguousWindows_AtEveryOffsetInZeroToNMinusT()
    {
        var sampler = new RandomWindowSampler(Ids, batchSize: 4, sequenceLength: 8, seed: 1337);
        Assert.Equal(12, sampler.OffsetCount);
        var seen = new HashSet<int>();
        for (int s = 0; s < 200; s++)
        {
            var batch = sampler.NextBatch();
            Assert.Equal(32, batch.Inputs.Length);
            for (int r = 0; r < 4; r++)
            {
                int i = batch.InputRow(r)[0];
                Assert.Equal(Enumerable.Range(i, 8), batch.InputRow(r).ToArray());
                Assert.Equal(Enumerable.Range(i + 1, 8), batch.TargetRow(r).ToArray());
                seen.Add(i);
            }
        }
        Assert.Equal(Enumerable.Range(0, 12), seen.Order()); // torch.randint(len(data) - block_size): 0..N-T-1
        Assert.Equal(200, sampler.Step);
    }

    [Fact]
    public void WithAStartToken_EveryWindowStartsAtOneOfItsOffsets()
    {
        int[] ids = [.. Enumerable.Range(0, 40).Select(i => i % 7 == 0 ? 99 : i)]; // 99 at 0, 7, …, 35
        var sampler = new RandomWindowSampler(ids, batchSize: 3, sequenceLength: 8, seed: 2, startToken: 99);
        Assert.Equal(5, sampler.OffsetCount); // 35 + 8 = 43 > 40 − 1: no window with its target from 35
        var seen = new HashSet<int>();
        for (int s = 0; s < 100; s++)
        {
            var batch = sampler.NextBatch();
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(99, batch.InputRow(r)[0]);
                seen.Add(batch.TargetRow(r)[0]);
            }
        }
        Assert.Equal([1, 8, 15, 22, 29], seen.Order());
        Assert.Throws<ArgumentException>(() => new RandomWindowSampler(ids, 3, 8, 2, startToken: 1234));
    }

    [Fact]
    public void SameSeedSameBatches_ResumeContinuesExactly()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => i * 31 % 97).ToArray();
        var a = new RandomWindowSampler(ids, 3, 16, seed: 5);
        var expected = Enumerable.Range(0, 20).Select(_ => a.NextBatch().Clone()).ToList();

        var b = new RandomWindowSampler(ids, 3, 16, seed: 5);
        for (int i = 0; i < 7; i++) b.NextBatch();
        var state = JsonSerializer.Deserialize<RandomWindowSamplerState>(JsonSerializer.Serialize(b.GetState()))!;

        var c = new RandomWindowSampler(ids, 3, 16, seed: 0);
        c.Restore(state);
        for (int i = 7; i < 20; i++)
        {
            var batch = c.NextBatch();
            Assert.Equal(expected[i].Inputs, batch.Inputs);
            Assert.Equal(expected[i].Targets, batch.Targets);
        }
        var other = new RandomWindowSampler(ids, 3, 16, seed: 6).NextBatch();
        Assert.NotEqual(expected[0].Inputs, other.Inputs);
    }

    [Fact]
    public void NextBatch_DoesNotAllocate()
    {
        var sampler = new RandomWindowSampler(Enumerable.Range(0, 5000).ToArray(), 8, 64, seed: 2);
        var first = sampler.NextBatch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Assert.Same(first, sampler.NextBatch());
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TooShortCorpus_NamesTokenCountAndRequirement()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomWindowSampler(new int[8], 2, 8, seed: 0));
        Assert.Contains("corpus has 8 tokens, needs at least SequenceLength+1 = 9", e.Message);
        new RandomWindowSampler(new int[9], 2, 8, seed: 0).NextBatch(); // the single offset 0
    }
}
