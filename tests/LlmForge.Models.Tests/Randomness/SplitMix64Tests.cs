using LlmForge.Randomness;
using Xunit;

namespace LlmForge.Tests.Randomness;

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

    [Fact]
    public void DeriveSeed_is_the_streams_draw_at_that_index_in_O1()
    {
        // Dropout's mask seeds: the reference sequence of seed 0, and any seed's stream, indexed without drawing.
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.DeriveSeed(0, 0));
        Assert.Equal(0x06C45D188009454FUL, SplitMix64.DeriveSeed(0, 2));
        var rng = new SplitMix64(0xD20F_0A7E_5EED_0001UL);
        for (ulong i = 0; i < 50; i++) Assert.Equal(rng.NextUInt64(), SplitMix64.DeriveSeed(0xD20F_0A7E_5EED_0001UL, i));
        Assert.Equal(SplitMix64.Mix(SplitMix64.Golden), SplitMix64.DeriveSeed(0, 0));
    }
}
