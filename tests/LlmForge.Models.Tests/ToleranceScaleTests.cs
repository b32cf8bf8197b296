using Xunit;
using Xunit.Sdk;

namespace LlmForge.Tests;

/// <summary>The test helpers' tolerance scale fails on NaN and infinity instead of skipping or absorbing them (issue 15, item 22).</summary>
public class ToleranceScaleTests
{
    [Fact]
    public void A_finite_reference_gives_its_largest_magnitude() =>
        Assert.Equal(3.5, ToleranceScale.MaxAbs([1f, -3.5f, 2f], "ref"));

    [Theory]
    [InlineData(float.NaN, "ref[1] is NaN")]
    [InlineData(float.PositiveInfinity, "ref[1] is Infinity")]
    [InlineData(float.NegativeInfinity, "ref[1] is -Infinity")]
    public void A_non_finite_reference_fails(float bad, string expected)
    {
        // What the helpers did before: Enumerable.Max skipped the NaN (scale 2), an infinity made the scale ∞ and
        // any error relative 0. Either way a wrong value could pass.
        float[] reference = [1f, bad, 2f];
        double before = reference.Max(v => Math.Abs((double)v));
        Assert.True(double.IsNaN(bad) ? before == 2 : double.IsPositiveInfinity(before));
        var e = Assert.Throws<XunitException>(() => ToleranceScale.MaxAbs(reference, "ref"));
        Assert.Contains(expected, e.Message);
    }
}
