using System.Runtime.Intrinsics;
using LlmForge.Backends.Managed;
using MathNet.Numerics;
using Xunit;

namespace LlmForge.Tests.Backends.Managed.Kernels;

public class ErrorFunctionTests
{
    private static IEnumerable<double> Grid(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1));

    [Fact]
    public void Erfc_is_relatively_accurate_to_1e_11()
    {
        foreach (double x in Grid(-6, 10, 4001))
        {
            double expected = SpecialFunctions.Erfc(x);
            Assert.True(Math.Abs(ErrorFunction.Erfc(x) / expected - 1) < 1e-11, $"erfc({x:R}) = {ErrorFunction.Erfc(x):R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Erf_is_relatively_accurate_including_near_zero()
    {
        foreach (double x in Grid(-6, 6, 2001).Concat([1e-300, -1e-12, 1e-6, 0.4999, 0.5]))
        {
            double expected = SpecialFunctions.Erf(x);
            double actual = ErrorFunction.Erf(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected) || actual == expected, $"erf({x:R}) = {actual:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void NormalCdf_tails()
    {
        Assert.Equal(0.5, ErrorFunction.NormalCdf(0), 11);
        // Φ(−8) = 6.22096057427178e-16, relatively accurate even though 1 − Φ(8) would round to 0.
        Assert.True(Math.Abs(ErrorFunction.NormalCdf(-8) / 6.22096057427178e-16 - 1) < 1e-11);
        Assert.Equal(0, ErrorFunction.NormalCdf(double.NegativeInfinity));
        Assert.Equal(1, ErrorFunction.NormalCdf(double.PositiveInfinity));
        Assert.True(double.IsNaN(ErrorFunction.NormalCdf(double.NaN)));
    }

    [Fact]
    public void Vector_form_agrees_with_scalar_form()
    {
        foreach (double start in Grid(0, 12, 301))
        {
            var z = Vector512.Create(start) + Vector512.Create(0, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007);
            var erfc = ErrorFunction.ErfcNonNegative(z);
            var cdf = ErrorFunction.NormalCdf(-z);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(ErrorFunction.ErfcNonNegative(z[lane]), erfc[lane], 1e-13 * ErrorFunction.ErfcNonNegative(z[lane]));
                Assert.Equal(ErrorFunction.NormalCdf(-z[lane]), cdf[lane], 1e-13 * ErrorFunction.NormalCdf(-z[lane]));
            }
        }
    }
}
