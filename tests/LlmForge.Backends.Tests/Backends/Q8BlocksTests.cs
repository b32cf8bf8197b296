using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends;

public class Q8BlocksTests
{
    [Theory]
    [InlineData(3, 64)]
    [InlineData(2, 45)]  // a partial last block
    [InlineData(4, 7)]   // shorter than a block
    public void Dequantized_values_are_within_half_a_step_of_the_originals(int rows, int k)
    {
        var x = TestData.Uniform(rows * k, 21, -2, 2);
        x[5] = 0; // zeros stay zeros
        var q = new sbyte[rows * Q8Blocks.PaddedLength(k)];
        var d = new float[rows * Q8Blocks.BlocksPerRow(k)];
        Q8Blocks.Quantize(x, rows, k, q, d);
        var back = new float[rows * k];
        Q8Blocks.Dequantize(q, d, rows, k, back);

        int blocks = Q8Blocks.BlocksPerRow(k), padded = Q8Blocks.PaddedLength(k);
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocks; b++)
            {
                int start = b * Q8Blocks.BlockSize, end = Math.Min(k, start + Q8Blocks.BlockSize);
                float max = 0;
                for (int p = start; p < end; p++) max = Math.Max(max, Math.Abs(x[r * k + p]));
                float step = d[r * blocks + b];
                Assert.Equal(max / 127f, step);
                // d / 2, plus float32's rounding of x · (1 / d) (a few ulps of 127 steps)
                double bound = step / 2 * (1 + 1e-5);
                for (int p = start; p < end; p++)
                {
                    Assert.True(Math.Abs(back[r * k + p] - x[r * k + p]) <= bound,
                        $"[{r}, {p}]: {x[r * k + p]} came back as {back[r * k + p]}, step {step}");
                    Assert.InRange(q[r * padded + p], (sbyte)-127, (sbyte)127);
                }
                for (int p = end; p < start + Q8Blocks.BlockSize; p++)
                    Assert.Equal(0, q[r * padded + p]); // the padding of a partial block
            }
        }
        Assert.Equal(0f, back[5]);
    }

    [Fact]
    public void The_largest_value_of_a_block_is_127_steps_and_a_zero_block_has_scale_zero()
    {
        var x = new float[64];
        x[3] = -0.5f;
        x[10] = 0.125f;
        var q = new sbyte[64];
        var d = new float[2];
        Q8Blocks.Quantize(x, 1, 64, q, d);
        Assert.Equal(-127, q[3]);
        Assert.Equal(32, q[10]); // 31.75 steps
        Assert.Equal(0.5f / 127, d[0]);
        Assert.Equal(0f, d[1]);
        Assert.All(q[32..], v => Assert.Equal(0, v));
    }

    [Fact]
    public void Quantize_refuses_values_that_are_not_finite_and_short_buffers()
    {
        var x = new float[40];
        x[35] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => Q8Blocks.Quantize(x, 1, 40, new sbyte[64], new float[2]));
        Assert.Contains("block 1", error.Message);
        Assert.Equal("quants", Assert.Throws<ArgumentException>(() => Q8Blocks.Quantize(new float[40], 1, 40, new sbyte[40], new float[2])).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => Q8Blocks.Quantize(new float[40], 1, 40, new sbyte[64], new float[1])).ParamName);
    }
}
