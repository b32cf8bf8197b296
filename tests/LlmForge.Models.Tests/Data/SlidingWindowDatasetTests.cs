using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class SlidingWindowDatasetTests
{
    private static int[] Range(int n) => Enumerable.Range(0, n).ToArray();

    [Fact]
    public void NumberText_MaxLength4_Stride4_TilesTheIds()
    {
        // The book's dataloader intuition: ids 0..1000, max_length 4, stride 4.
        var ds = new SlidingWindowDataset(Range(1001), maxLength: 4, stride: 4);

        Assert.Equal(250, ds.Count); // range(0, 1001 - 4, 4) = 0, 4, …, 996
        Assert.Equal(new[] { 0, 1, 2, 3 }, ds[0].Input.ToArray());
        Assert.Equal(new[] { 1, 2, 3, 4 }, ds[0].Target.ToArray());
        Assert.Equal(new[] { 4, 5, 6, 7 }, ds[1].Input.ToArray());
        Assert.Equal(new[] { 996, 997, 998, 999 }, ds[249].Input.ToArray());
        Assert.Equal(new[] { 997, 998, 999, 1000 }, ds[249].Target.ToArray());
    }

    [Theory]
    [InlineData(10, 4, 1, 6)]  // overlap: starts 0..5
    [InlineData(10, 4, 2, 3)]  // starts 0, 2, 4
    [InlineData(10, 4, 4, 2)]  // tiles: starts 0, 4
    [InlineData(10, 4, 5, 2)]  // skips: starts 0, 5
    [InlineData(10, 4, 6, 1)]  // start 6 would need ids up to 10
    [InlineData(5, 4, 1, 1)]   // exactly MaxLength + 1 tokens
    [InlineData(9, 4, 4, 2)]   // starts 0, 4 (4 + 4 < 9)
    [InlineData(8, 4, 4, 1)]   // start 4 would need id 8
    public void Count_MatchesPythonRange(int n, int maxLength, int stride, int expected)
    {
        var ds = new SlidingWindowDataset(Range(n), maxLength, stride);
        Assert.Equal(expected, ds.Count);
        // Same starts as range(0, n - max_length, stride).
        var starts = Enumerable.Range(0, ds.Count).Select(ds.StartOf);
        var python = Enumerable.Range(0, n - maxLength).Where(i => i % stride == 0);
        Assert.Equal(python, starts);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void EveryWindow_TargetIsInputShiftedByOne(int stride)
    {
        var ids = Range(30).Select(i => i * 7 % 11).ToArray();
        var ds = new SlidingWindowDataset(ids, maxLength: 5, stride: stride);
        var input = new int[5];
        var target = new int[5];
        for (int w = 0; w < ds.Count; w++)
        {
            int s = w * stride;
            ds.CopyWindow(w, input, target);
            Assert.Equal(ids[s..(s + 5)], input);
            Assert.Equal(ids[(s + 1)..(s + 6)], target);
            Assert.Equal(input, ds[w].Input.ToArray());
            Assert.Equal(target, ds[w].Target.ToArray());
        }
    }

    [Fact]
    public void TooShortCorpus_NamesTokenCountAndRequirement()
    {
        var e = Assert.Throws<ArgumentException>(() => new SlidingWindowDataset(Range(4), maxLength: 4, stride: 1));
        Assert.Contains("corpus has 4 tokens, needs at least MaxLength+1 = 5", e.Message);
    }

    [Fact]
    public void BadSizes_AreRejected()
    {
        Assert.Contains("MaxLength", Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowDataset(Range(10), 0, 1)).Message);
        Assert.Contains("Stride", Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowDataset(Range(10), 4, 0)).Message);
        var ds = new SlidingWindowDataset(Range(10), 4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[2]);
        Assert.Throws<ArgumentException>(() => ds.CopyWindow(0, new int[3], new int[4]));
    }
}
