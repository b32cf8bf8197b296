using Xunit;
using Xunit.Sdk;

namespace LlmForge.Tests.Backends;

/// <summary>The comparison helpers fail on NaN and on a non-finite reference scale (issue 15, item 22).</summary>
public class ApproxTests
{
    [Fact]
    public void A_NaN_value_fails_against_a_finite_reference()
    {
        Assert.Throws<XunitException>(() => Approx.Equal([1.0, 2.0], [1f, float.NaN], new Tolerance(1e-5, 1e-5), "x"));
        Assert.Throws<XunitException>(() => Approx.Within([1.0, 2.0], [1f, float.NaN], [1.0, 1.0], "x"));
        Assert.Throws<XunitException>(() => Approx.Gradient([1.0, 2.0], [1f, float.NaN], "dx"));
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void A_gradient_reference_that_is_not_finite_fails_instead_of_scaling_the_tolerance_away(double bad)
    {
        // Before, an infinite finite-difference value made the absolute tolerance infinite: 5 passed for 1.
        var e = Assert.Throws<XunitException>(() => Approx.Gradient([bad, 1.0], [(float)bad, 5f], "dx"));
        Assert.Contains("dx: the reference [0] is", e.Message);
        Assert.Throws<XunitException>(() => Tolerances.AdamW([bad, 1.0]));
    }
}
