using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class SafeTensorsDTypeTests
{
    [Theory]
    [InlineData("BOOL", SafeTensorsDType.Bool, 1)]
    [InlineData("U8", SafeTensorsDType.U8, 1)]
    [InlineData("F8_E4M3", SafeTensorsDType.F8E4M3, 1)]
    [InlineData("F8_E5M2", SafeTensorsDType.F8E5M2, 1)]
    [InlineData("F16", SafeTensorsDType.F16, 2)]
    [InlineData("BF16", SafeTensorsDType.BF16, 2)]
    [InlineData("I32", SafeTensorsDType.I32, 4)]
    [InlineData("F32", SafeTensorsDType.F32, 4)]
    [InlineData("F64", SafeTensorsDType.F64, 8)]
    [InlineData("U64", SafeTensorsDType.U64, 8)]
    public void HeaderNames_AndElementSizes_FollowTheSpec(string name, SafeTensorsDType dtype, int size)
    {
        Assert.True(SafeTensorsDTypes.TryParse(name, out SafeTensorsDType parsed));
        Assert.Equal(dtype, parsed);
        Assert.Equal(name, dtype.ToHeaderName());
        Assert.Equal(size, dtype.ElementSize());
    }

    [Fact]
    public void EveryDType_RoundTripsThroughItsHeaderName()
    {
        foreach (SafeTensorsDType dtype in Enum.GetValues<SafeTensorsDType>())
        {
            Assert.True(SafeTensorsDTypes.TryParse(dtype.ToHeaderName(), out SafeTensorsDType parsed));
            Assert.Equal(dtype, parsed);
        }
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("FLOAT")]
    [InlineData("F8E4M3")]
    public void UnknownSpellings_AreNotParsed(string name)
    {
        Assert.False(SafeTensorsDTypes.TryParse(name, out _));
    }

    [Fact]
    public void OnlyFloatTypes_AreReadableAsFloat32()
    {
        var readable = Enum.GetValues<SafeTensorsDType>().Where(d => d.IsReadableAsFloat32());
        Assert.Equal([SafeTensorsDType.F16, SafeTensorsDType.BF16, SafeTensorsDType.F32, SafeTensorsDType.F64], readable);
    }
}
