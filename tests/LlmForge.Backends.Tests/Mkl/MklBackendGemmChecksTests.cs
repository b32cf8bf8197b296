using Xunit;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>Bad sizes must throw ArgumentException naming the argument before MKL sees a pointer.</summary>
public class MklBackendGemmChecksTests
{
    private static readonly float[] A = new float[12], B = new float[12], C = new float[12];

    [Fact]
    public void Gemm_ShortA_NamesA()
    {
        // op(A) = [4, 3] needs 12 floats; give 11.
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, false, 4, 3, 3, 1f, A.AsSpan(0, 11), 3, B, 3, 0f, C, 3));
        Assert.Equal("a", e.ParamName);
    }

    [Fact]
    public void Gemm_TransposedShortB_NamesB()
    {
        // op(B) = Bᵀ with B stored [n = 4, k = 3], ldb = 3: needs 12 floats.
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, true, 3, 4, 3, 1f, A, 3, B.AsSpan(0, 10), 3, 0f, C, 4));
        Assert.Equal("b", e.ParamName);
    }

    [Fact]
    public void Gemm_ShortC_NamesC()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, false, 3, 4, 3, 1f, A, 3, B, 4, 0f, C.AsSpan(0, 11), 4));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void Gemm_LdSmallerThanColumns_NamesLd()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, false, 2, 2, 3, 1f, A, 2, B, 2, 0f, C, 2));
        Assert.Equal("lda", e.ParamName);
        e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, false, 2, 3, 2, 1f, A, 2, B, 3, 0f, C, 2));
        Assert.Equal("ldc", e.ParamName);
    }

    [Fact]
    public void Gemm_NegativeSize_NamesIt()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gemm(false, false, 2, -1, 2, 1f, A, 2, B, 2, 0f, C, 2));
        Assert.Equal("n", e.ParamName);
    }

    [Fact]
    public void GemmStridedBatched_LastProductOutOfRange_NamesB()
    {
        // 3 products of [2, 2] B matrices 4 floats apart need 12 floats; give 11.
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().GemmStridedBatched(false, false, 2, 2, 2,
            1f, A, 2, 0, B.AsSpan(0, 11), 2, 4, 0f, C, 2, 4, 3));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("strideB = 4", e.Message);
    }

    [Fact]
    public void GemmStridedBatched_NegativeStride_NamesIt()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().GemmStridedBatched(false, false, 2, 2, 2,
            1f, A, 2, -4, B, 2, 4, 0f, C, 2, 4, 2));
        Assert.Equal("strideA", e.ParamName);
    }
}
