using LlmForge.Backends;
using LlmForge.Backends.Managed;
using MathNet.Numerics;
using Xunit;

namespace LlmForge.Tests.Backends.Managed.Kernels;

/// <summary>
/// The erf GELU's forward pass in float (GeluErfFloat, taken by the managed forward kernels on AVX-512): within a
/// few float ulps of x·Φ(x) over the whole range, exact at the special values, and the same bits wherever a value sits
/// in a buffer (so fused and unfused kernels agree).
/// </summary>
public class GeluErfFloatTests
{
    private static double Reference(double x) => 0.5 * x * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    private static float[] Gelu(float[] x)
    {
        var y = new float[x.Length];
        new ManagedBackend { Threads = 1 }.Gelu(x, y, GeluApproximation.Erf);
        return y;
    }

    [Fact]
    public void Is_within_a_few_ulps_of_the_double_reference()
    {
        var x = Enumerable.Range(0, 26_001).Select(i => -13f + i * 0.001f).Concat([1e-30f, -1e-30f, 1e-8f, -3e-4f, 60f, -60f, 1e6f]).ToArray();
        var y = Gelu(x);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(x[i]);
            double error = Math.Abs(y[i] - expected);
            // relative 1e-6 (a few ulps; Φ's relative error where it is tiny), and an absolute floor below float's normal range
            Assert.True(error <= 1e-6 * Math.Abs(expected) + 1e-37, $"GELU({x[i]:R}) = {y[i]:R}, expected {expected:R}");
            if (Math.Abs(expected) > 1e-30) worst = Math.Max(worst, error / Math.Abs(expected));
        }
        Assert.True(worst > 0, "no rounding at all: the float path did not run?"); // it rounds somewhere over 26,000 values
    }

    [Fact]
    public void Special_values()
    {
        var y = Gelu([0f, -0f, float.PositiveInfinity, float.NaN, 3f]);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.Equal(float.PositiveInfinity, y[2]);
        Assert.True(float.IsNaN(y[3]));
        Assert.Equal((float)Reference(3), y[4], 6);
    }

    [Fact]
    public void A_value_gets_the_same_bits_wherever_it_sits()
    {
        float[] values = [-5.3f, -0.7f, 0.2f, 1.9f, 4.4f];
        var expected = Gelu(values);
        foreach (int length in new[] { 1, 7, 16, 17, 33 })
            for (int offset = 0; offset + values.Length <= length + values.Length; offset += 3)
            {
                var x = new float[offset + values.Length + length];
                values.CopyTo(x, offset);
                var y = Gelu(x);
                Assert.Equal(expected, y.AsSpan(offset, values.Length).ToArray());
            }
        // and in the fused bias + GELU, one row of 5, then rows of 21 with the values in the vector part
        var fused = new float[5];
        new ManagedBackend().BiasGelu(values, new float[5], fused, 1, 5, GeluApproximation.Erf);
        Assert.Equal(expected, fused);
        var wide = new float[2 * 21];
        values.CopyTo(wide, 21);
        var wideOut = new float[wide.Length];
        new ManagedBackend().BiasGelu(wide, new float[21], wideOut, 2, 21, GeluApproximation.Erf);
        Assert.Equal(expected, wideOut.AsSpan(21, 5).ToArray());
    }
}
