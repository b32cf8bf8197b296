using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class SplitMix64Tests
{
    [Fact]
    public void SeedZero_MatchesReferenceSequence()
    {
        // First outputs of Vigna's splitmix64.c seeded with 0.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void NextInt_IsInRangeAndRoughlyUniform()
    {
        var rng = new SplitMix64(42);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++) counts[rng.NextInt(6)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }

    [Fact]
    public void Shuffle_IsAPermutation_AndDerivedStreamsDiffer()
    {
        var a = Enumerable.Range(0, 100).ToArray();
        var b = Enumerable.Range(0, 100).ToArray();
        var r1 = SplitMix64.Derive(1337, 0);
        var r2 = SplitMix64.Derive(1337, 1);
        r1.Shuffle(a);
        r2.Shuffle(b);
        Assert.Equal(Enumerable.Range(0, 100), a.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), a);
        Assert.NotEqual(a, b);
        Assert.Equal(SplitMix64.Derive(7, 3).NextUInt64(), SplitMix64.Derive(7, 3).NextUInt64());
        Assert.NotEqual(SplitMix64.Derive(7, 3).NextUInt64(), SplitMix64.Derive(8, 3).NextUInt64());
    }
}
