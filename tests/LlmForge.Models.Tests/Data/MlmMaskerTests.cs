using LlmForge.Data;
using LlmForge.Randomness;
using Xunit;

namespace LlmForge.Tests.Data;

public class MlmMaskerTests
{
    private const int Vocab = 1000, Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4;

    private static MlmMasker Masker() => new(Vocab, Mask, [Pad, Unk, Cls, Sep, Mask]);

    // [CLS] t … t [SEP] [PAD] …: realLength tokens of text then padding up to length.
    private static (int[] Ids, int[] Attention) Row(int length, int textLength, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        var ids = new int[length];
        var attention = new int[length];
        ids[0] = Cls;
        for (int i = 1; i <= textLength; i++) ids[i] = 5 + rng.NextInt(Vocab - 5);
        ids[textLength + 1] = Sep;
        attention.AsSpan(0, textLength + 2).Fill(1);
        return (ids, attention);
    }

    /// <summary>Over 4000 padded rows (≈ 150,000 eligible tokens) the rates are 15% chosen, then 80/10/10.</summary>
    [Fact]
    public void MaskRow_HasBertsStatistics()
    {
        var masker = Masker();
        long eligible = 0, chosen = 0, masked = 0, random = 0, unchanged = 0;
        var rng = new SplitMix64(42);
        for (int r = 0; r < 4000; r++)
        {
            var (ids, attention) = Row(48, 20 + r % 26, seed: r);
            var maskedIds = new int[48];
            var labels = new int[48];
            int n = masker.MaskRow(ids, attention, maskedIds, labels, ref rng);
            eligible += 20 + r % 26;
            for (int i = 0; i < ids.Length; i++)
            {
                if (labels[i] == MlmBatch.IgnoreIndex)
                {
                    Assert.Equal(ids[i], maskedIds[i]); // never touched when not chosen
                    continue;
                }
                Assert.True(attention[i] == 1 && ids[i] > Mask, $"row {r} position {i}: a special or padding token was chosen");
                Assert.Equal(ids[i], labels[i]);
                chosen++;
                if (maskedIds[i] == Mask) masked++;
                else if (maskedIds[i] == ids[i]) unchanged++;
                else random++;
            }
            Assert.Equal(n, labels.Count(l => l != MlmBatch.IgnoreIndex));
        }
        // Binomial standard errors: 0.15 rate ± 0.001; fractions of ~22,500 chosen ± 0.0027 (80%) and ± 0.002 (10%).
        Assert.InRange((double)chosen / eligible, 0.145, 0.155);
        Assert.InRange((double)masked / chosen, 0.79, 0.81);
        // A random replacement equal to the original (1 in 995) counts as unchanged.
        Assert.InRange((double)random / chosen, 0.09, 0.11);
        Assert.InRange((double)unchanged / chosen, 0.09, 0.11);
    }

    [Fact]
    public void MaskRow_SameRngState_SameMasks_AndOtherStateDiffers()
    {
        var masker = Masker();
        var (ids, attention) = Row(64, 60, seed: 3);
        int[] Run(ulong seed)
        {
            var rng = new SplitMix64(seed);
            var masked = new int[64];
            masker.MaskRow(ids, attention, masked, new int[64], ref rng);
            return masked;
        }
        Assert.Equal(Run(9), Run(9));
        Assert.NotEqual(Run(9), Run(10));
    }

    [Fact]
    public void MaskRow_ChoosesAtLeastOneEligibleToken()
    {
        var masker = new MlmMasker(Vocab, Mask, [Pad, Cls, Sep], maskProbability: 1e-9);
        int[] ids = [Cls, 17, 18, Sep, Pad], attention = [1, 1, 1, 1, 0];
        var rng = new SplitMix64(1);
        var labels = new int[5];
        Assert.Equal(1, masker.MaskRow(ids, attention, new int[5], labels, ref rng));
        Assert.Single(labels, l => l != MlmBatch.IgnoreIndex);
        Assert.Equal(MlmBatch.IgnoreIndex, labels[0]);
    }

    [Fact]
    public void MaskRow_OnlySpecialsAndPadding_ChoosesNothing()
    {
        var rng = new SplitMix64(1);
        var labels = new int[4];
        Assert.Equal(0, Masker().MaskRow([Cls, Sep, Pad, 77], [1, 1, 0, 0], new int[4], labels, ref rng));
        Assert.All(labels, l => Assert.Equal(MlmBatch.IgnoreIndex, l));
    }

    [Fact]
    public void Constructor_BadFractions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlmMasker(10, 4, [], maskTokenFraction: 0.95, randomTokenFraction: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlmMasker(10, 10, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlmMasker(10, 4, [], maskProbability: 0));
    }
}
