using Xunit;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>vsAdd, vsMul, cblas_saxpy and in-place cblas_sscal: exact in float, so compared bit for bit.</summary>
public class MklBackendArithmeticTests
{
    private const int N = 70_001;

    [Fact]
    public void Add_And_Mul_AreExactFloatResults()
    {
        var a = Uniform(N, seed: 30);
        var b = Uniform(N, seed: 31);
        var sum = new float[N];
        var product = new float[N];
        var backend = Backend();
        backend.Add(a, b, sum);
        backend.Mul(a, b, product);
        for (int i = 0; i < N; i++)
        {
            Assert.Equal(a[i] + b[i], sum[i]);
            Assert.Equal(a[i] * b[i], product[i]);
        }
    }

    [Fact]
    public void Add_InPlace()
    {
        var a = Uniform(N, seed: 32);
        var b = Uniform(N, seed: 33);
        var expected = a.Zip(b, (x, y) => x + y).ToArray();
        Backend().Add(a, b, a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void Axpy_Accumulates()
    {
        var x = Uniform(N, seed: 34);
        var y = Uniform(N, seed: 35);
        var expected = x.Zip(y, (xv, yv) => MathF.FusedMultiplyAdd(-0.25f, xv, yv)).ToArray();
        var unfused = x.Zip(y, (xv, yv) => -0.25f * xv + yv).ToArray();
        Backend().Axpy(-0.25f, x, y);
        // MKL may or may not fuse the multiply-add: either rounding is a correct float result.
        for (int i = 0; i < N; i++) Assert.True(y[i] == expected[i] || y[i] == unfused[i], $"y[{i}] = {y[i]}");
    }

    [Fact]
    public void Axpy_AlphaZero_GoesToFallback_BecauseBlasSkipsNaN()
    {
        var fallback = new RecordingBackend();
        Backend(fallback).Axpy(0f, [float.NaN], new float[1]);
        Assert.Equal(["Axpy"], fallback.Calls);
    }

    [Fact]
    public void Scale_InPlace_ByZero_KeepsNaN()
    {
        float[] x = [float.NaN, float.PositiveInfinity, 2f];
        Backend().Scale(x, 0f, x);
        Assert.Equal(new[] { float.NaN, float.NaN, 0f }, x);
    }

    [Fact]
    public void Scale_InPlace_UsesMkl_OutOfPlace_UsesFallback()
    {
        var fallback = new RecordingBackend();
        var x = Uniform(N, seed: 36);
        var expected = x.Select(v => v * 3f).ToArray();
        var backend = Backend(fallback);
        backend.Scale(x, 3f, x);
        Assert.Equal(expected, x);
        Assert.Empty(fallback.Calls);

        backend.Scale(x, 3f, new float[N]);
        Assert.Equal(["Scale"], fallback.Calls);
    }

    [Fact]
    public void ElementWise_MismatchedLengths_NameTheArgument()
    {
        var backend = Backend();
        Assert.Equal("b", Assert.ThrowsAny<ArgumentException>(() => backend.Add(new float[4], new float[3], new float[4])).ParamName);
        Assert.Equal("y", Assert.ThrowsAny<ArgumentException>(() => backend.Mul(new float[4], new float[4], new float[3])).ParamName);
        Assert.Equal("y", Assert.ThrowsAny<ArgumentException>(() => backend.Axpy(1f, new float[4], new float[3])).ParamName);
        Assert.Equal("y", Assert.ThrowsAny<ArgumentException>(() => backend.Scale(new float[4], 2f, new float[3])).ParamName);
    }
}
