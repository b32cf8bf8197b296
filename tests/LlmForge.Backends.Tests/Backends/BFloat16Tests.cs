using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends;

public class BFloat16Tests
{
    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(-2f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    [InlineData(1.00390625f, 0x3F80)]          // 1 + 2⁻⁸: halfway between 0x3F80 and 0x3F81, ties to the even 0x3F80
    [InlineData(1.01171875f, 0x3F82)]          // 1 + 3·2⁻⁸: halfway between 0x3F81 and 0x3F82, ties to the even 0x3F82
    [InlineData(1.0039066f, 0x3F81)]           // just above the first halfway point: up
    [InlineData(3.14159274f, 0x4049)]          // π → 3.140625
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.MaxValue, 0x7F80)]       // past the largest bfloat16: infinity, as torch rounds it
    [InlineData(1e-40f, 0x0001)]               // subnormals keep their upper bits
    public void Rounds_to_nearest_with_ties_to_even_as_torch_does(float value, int expected)
    {
        Assert.Equal((ushort)expected, BFloat16.FromFloat(value));
    }

    [Fact]
    public void NaN_becomes_the_canonical_quiet_NaN_and_widening_is_exact()
    {
        Assert.Equal(0x7FC0, BFloat16.FromFloat(float.NaN));
        Assert.True(float.IsNaN(BFloat16.ToFloat(0x7FC0)));
        Assert.Equal(1f, BFloat16.ToFloat(0x3F80));
        Assert.Equal(3.140625f, BFloat16.ToFloat(0x4049));
    }

    [Fact]
    public void Rounding_error_is_at_most_half_a_unit_of_8_significant_bits()
    {
        var values = TestData.Uniform(100_000, 9, -1000f, 1000f);
        var rounded = new ushort[values.Length];
        var back = new float[values.Length];
        BFloat16.FromFloat(values, rounded);
        BFloat16.ToFloat(rounded, back);
        for (int i = 0; i < values.Length; i++)
        {
            // 8 significant bits: |x − bf16(x)| ≤ half a unit = 2⁻⁸ · 2^⌊log2 |x|⌋ ≤ 2⁻⁸ · |x|
            Assert.True(Math.Abs(back[i] - values[i]) <= Math.Abs(values[i]) / 256f, $"{values[i]} → {back[i]}");
            Assert.Equal(rounded[i], BFloat16.FromFloat(back[i])); // a bfloat16 value rounds to itself
        }
    }

    [Fact]
    public void A_destination_too_short_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => BFloat16.FromFloat(new float[3], new ushort[2]));
        Assert.Throws<ArgumentException>(() => BFloat16.ToFloat(new ushort[3], new float[2]));
    }
}
