using Xunit;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>
/// <c>MklBackend.CblasSgemm</c>, the bench's "mkl-cblas" baseline: C = A·B row-major straight to cblas_sgemm, for every
/// shape (a GEMV-shaped one too, which <c>Gemm</c> would hand to the fallback), with the backend's size checks.
/// </summary>
public class MklBackendCblasSgemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 130, 33)] // M = 1: Gemm's fallback route; CblasSgemm still calls MKL
    [InlineData(7, 13, 5)]
    [InlineData(64, 48, 96)]
    public void Matches_the_double_reference_and_never_calls_the_fallback(int m, int n, int k)
    {
        var fallback = new RecordingBackend();
        var a = Uniform(m * k, seed: 11);
        var b = Uniform(k * n, seed: 12);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray(); // beta 0: whatever C held is overwritten
        var (expected, magnitude) = GemmReference(false, false, m, n, k, 1f, a, k, 0, b, n, 0, 0f, c, n, 0);

        Backend(fallback).CblasSgemm(m, n, k, a, b, c);

        AssertGemmClose(expected, magnitude, c, m, n, n, 0, k);
        Assert.Empty(fallback.Calls);
    }

    [Fact]
    public void Empty_sum_gives_zeros()
    {
        var c = new[] { float.NaN, 5f, 5f, 5f };
        Backend().CblasSgemm(2, 2, 0, [], [], c);
        Assert.Equal(new[] { 0f, 0f, 0f, 0f }, c);
    }

    [Fact]
    public void A_short_operand_is_an_argument_error_before_MKL_reads_it()
    {
        var c = new float[4];
        Assert.ThrowsAny<ArgumentException>(() => Backend().CblasSgemm(2, 2, 3, new float[5], new float[6], c));
    }
}
