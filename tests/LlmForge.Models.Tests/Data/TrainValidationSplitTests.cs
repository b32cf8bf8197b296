using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class TrainValidationSplitTests
{
    [Theory]
    [InlineData(1000, 0.9, 900)]
    [InlineData(1001, 0.9, 900)]  // int(1001 * 0.9) = 900
    [InlineData(10, 0.9, 9)]
    [InlineData(20479, 0.9, 18431)] // the-verdict's character count, as in the book
    [InlineData(7, 0.5, 3)]
    public void Split_AtFlooredFraction_LikeNanoGpt(int n, double fraction, int expectedTrain)
    {
        var ids = Enumerable.Range(0, n).ToArray();
        var (train, val) = TrainValidationSplit.Split(ids, fraction);
        Assert.Equal(expectedTrain, train.Length);
        Assert.Equal(n - expectedTrain, val.Length);
        Assert.Equal(ids, train.ToArray().Concat(val.ToArray()));
    }

    [Fact]
    public void SplitText_KeepsSurrogatePairsWhole()
    {
        string text = "ab\U0001F600cd"; // a, b, high, low, c, d
        var (train, val) = TrainValidationSplit.SplitText(text, 0.5); // floor(3) would cut the pair
        Assert.Equal("ab", train);
        Assert.Equal("\U0001F600cd", val);
        Assert.Equal(("abcdefghi", "j"), TrainValidationSplit.SplitText("abcdefghij", 0.9));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void FractionOutsideOpenInterval_IsRejected(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainValidationSplit.Split(new int[100], fraction));
        Assert.Contains("strictly between 0 and 1", e.Message);
    }

    [Fact]
    public void EmptyPart_IsRejectedWithSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainValidationSplit.Split(new int[5], 0.1));
        Assert.Contains("Splitting 5 tokens at train fraction 0.1 leaves 0 for training and 5 for validation", e.Message);
        Assert.Throws<ArgumentException>(() => TrainValidationSplit.SplitText("a", 0.9));
    }
}
