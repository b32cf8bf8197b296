using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class MlmBatchSourceTests
{
    private const int Cls = 2, Sep = 3, Mask = 4;

    private static MlmBatchSource Source(int seed = 5)
    {
        int[] ids = [.. Enumerable.Range(0, 500).Select(i => 10 + i % 90)];
        var masker = new MlmMasker(100, Mask, [0, 1, Cls, Sep, Mask]);
        return MlmBatchSource.FromTokenIds(ids, sequenceLength: 10, batchSize: 4, masker, Cls, Sep, shuffle: true, seed);
    }

    [Fact]
    public void NextBatch_FramesRowsWithClsAndSep_AndLabelsTheOriginals()
    {
        var batch = Source().NextBatch();
        Assert.Equal((4, 10), (batch.BatchSize, batch.SequenceLength));
        for (int r = 0; r < 4; r++)
        {
            Assert.Equal(Cls, batch.InputIds[r * 10]);
            Assert.Equal(Sep, batch.InputIds[r * 10 + 9]);
            Assert.Equal(MlmBatch.IgnoreIndex, batch.Labels[r * 10]);
            Assert.True(batch.Labels.AsSpan(r * 10, 10).ToArray().Any(l => l != MlmBatch.IgnoreIndex), $"row {r} has no prediction");
        }
        Assert.All(batch.AttentionMask, m => Assert.Equal(1, m));
        Assert.All(batch.TokenTypeIds, t => Assert.Equal(0, t));
        Assert.All(batch.Labels.Where(l => l != MlmBatch.IgnoreIndex), l => Assert.InRange(l, 10, 99));
    }

    [Fact]
    public void Restore_ContinuesWithTheSameWindowsAndMasks()
    {
        var a = Source();
        for (int i = 0; i < 7; i++) a.NextBatch();
        var state = a.GetState();
        int[] expected = [.. a.NextBatch().InputIds];

        var b = Source();
        b.Restore(state);
        Assert.Equal(expected, b.NextBatch().InputIds);
        Assert.Equal(8, b.Step);
    }

    [Fact]
    public void NextBatch_SameSeedSameBatches_OtherSeedOtherMasks()
    {
        Assert.Equal(Source(5).NextBatch().InputIds, Source(5).NextBatch().InputIds);
        Assert.NotEqual(Source(5).NextBatch().InputIds, Source(6).NextBatch().InputIds);
    }
}
