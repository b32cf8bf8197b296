using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using Xunit;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

public class MklBackendGemmTests
{
    // GEMV-shaped products (a side ≤ 4) run on the fallback, so these checks give the backend a real one.
    private static MklBackend Backend() => new(new ManagedBackend());

    public static TheoryData<bool, bool, int, int, int> TransposesAndShapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 13, 5), (33, 17, 65), (64, 48, 96), (3, 130, 1) })
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            data.Add(ta, tb, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(TransposesAndShapes))]
    public void Gemm_MatchesDoubleReference_WithAlphaBetaAndPaddedRows(bool transA, bool transB, int m, int n, int k)
    {
        // Padded row strides (ld > columns) so a kernel that assumes packed rows reads the wrong elements.
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
        var a = Uniform((transA ? k : m) * lda, seed: 1);
        var b = Uniform((transB ? n : k) * ldb, seed: 2);
        var c = Uniform(m * ldc, seed: 3);
        var (expected, magnitude) = GemmReference(transA, transB, m, n, k, 0.75f, a, lda, 0, b, ldb, 0, -1.5f, c, ldc, 0);
        var padding = c.Select((v, i) => (v, i)).Where(p => p.i % ldc >= n).ToArray();

        Backend().Gemm(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, -1.5f, c, ldc);

        AssertGemmClose(expected, magnitude, c, m, n, ldc, 0, k);
        Assert.All(padding, p => Assert.Equal(p.v, c[p.i])); // columns past n are left alone
    }

    [Fact]
    public void Gemm_BetaZero_OverwritesNaNInC()
    {
        const int m = 5, n = 6, k = 7;
        var a = Uniform(m * k, seed: 4);
        var b = Uniform(k * n, seed: 5);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        var (expected, magnitude) = GemmReference(false, false, m, n, k, 1f, a, k, 0, b, n, 0, 0f, c, n, 0);

        Backend().Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);

        AssertGemmClose(expected, magnitude, c, m, n, n, 0, k);
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(2f, 6f)]
    public void Gemm_EmptySum_ScalesC(float beta, float expected)
    {
        var c = new[] { 3f, 3f, float.NaN, 3f, 3f, float.NaN }; // [2, 2] with ldc = 3; column 2 is padding
        Backend().Gemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, beta, c, 3);
        Assert.Equal(new[] { expected, expected, float.NaN, expected, expected, float.NaN }, c);
    }

    [Theory]
    [InlineData(false, false, 3L, 0L)]   // B broadcast to every product
    [InlineData(true, false, 0L, 4L)]    // A broadcast
    [InlineData(false, true, 1L, 1L)]    // both strided
    [InlineData(true, true, 2L, 3L)]
    public void GemmStridedBatched_MatchesPerProductReference(bool transA, bool transB, long aStrideKind, long bStrideKind)
    {
        const int m = 9, n = 11, k = 6, batch = 4;
        int lda = (transA ? m : k) + 1, ldb = (transB ? k : n) + 2, ldc = n + 1;
        long aSize = (long)(transA ? k : m) * lda, bSize = (long)(transB ? n : k) * ldb, cSize = (long)m * ldc;
        // stride kind 0 = broadcast, otherwise the matrix size plus a gap of (kind − 1) floats
        long strideA = aStrideKind == 0 ? 0 : aSize + aStrideKind - 1;
        long strideB = bStrideKind == 0 ? 0 : bSize + bStrideKind - 1;
        long strideC = cSize + 7;
        var a = Uniform((int)(strideA * (batch - 1) + aSize), seed: 6);
        var b = Uniform((int)(strideB * (batch - 1) + bSize), seed: 7);
        var c = Uniform((int)(strideC * (batch - 1) + cSize), seed: 8);
        var expected = Enumerable.Range(0, batch).Select(i => GemmReference(transA, transB, m, n, k, 1.25f,
            a, lda, i * strideA, b, ldb, i * strideB, 0.5f, c, ldc, i * strideC)).ToArray();

        Backend().GemmStridedBatched(transA, transB, m, n, k, 1.25f, a, lda, strideA, b, ldb, strideB,
            0.5f, c, ldc, strideC, batch);

        for (int i = 0; i < batch; i++)
            AssertGemmClose(expected[i].C, expected[i].Magnitude, c, m, n, ldc, i * strideC, k);
    }

    [Fact]
    public void GemmStridedBatched_AttentionShape_QTimesKTransposed()
    {
        // Q·Kᵀ over (batch · heads) = 6 groups of [T = 16, D = 8]: scores [6, 16, 16].
        const int groups = 6, t = 16, d = 8;
        var q = Uniform(groups * t * d, seed: 9);
        var key = Uniform(groups * t * d, seed: 10);
        var scores = Enumerable.Repeat(float.NaN, groups * t * t).ToArray();
        var expected = Enumerable.Range(0, groups).Select(g => GemmReference(false, true, t, t, d, 0.125f,
            q, d, g * t * d, key, d, g * t * d, 0f, scores, t, g * t * t)).ToArray();

        Backend().GemmStridedBatched(false, true, t, t, d, 0.125f, q, d, t * d, key, d, t * d,
            0f, scores, t, t * t, groups);

        for (int g = 0; g < groups; g++)
            AssertGemmClose(expected[g].C, expected[g].Magnitude, scores, t, t, t, g * t * t, d);
    }

    [Fact]
    public void GemmStridedBatched_InterleavedHeads_PTimesV()
    {
        // P·V with V and the output kept in [T, H, D] layout: head h starts at h·D, rows are H·D apart,
        // so the stride (D) is smaller than a matrix; one batch item of 3 heads.
        const int h = 3, t = 10, d = 8;
        var p = Uniform(h * t * t, seed: 13, lo: 0f);
        var v = Uniform(t * h * d, seed: 14);
        var output = Enumerable.Repeat(float.NaN, t * h * d).ToArray();
        var expected = Enumerable.Range(0, h).Select(head => GemmReference(false, false, t, d, t, 1f,
            p, t, head * t * t, v, h * d, head * d, 0f, output, h * d, head * d)).ToArray();

        Backend().GemmStridedBatched(false, false, t, d, t, 1f, p, t, t * t, v, h * d, d, 0f, output, h * d, d, h);

        for (int head = 0; head < h; head++)
            AssertGemmClose(expected[head].C, expected[head].Magnitude, output, t, d, h * d, head * d, t);
    }

    [Fact]
    public void Gemm_LargeEnoughToThread_MatchesReference()
    {
        const int m = 96, n = 200, k = 300;
        var a = Uniform(k * m, seed: 11);
        var b = Uniform(n * k, seed: 12);
        var c = new float[m * n];
        var (expected, magnitude) = GemmReference(true, true, m, n, k, 1f, a, m, 0, b, k, 0, 0f, c, n, 0);
        Backend().Gemm(true, true, m, n, k, 1f, a, m, b, k, 0f, c, n);
        AssertGemmClose(expected, magnitude, c, m, n, n, 0, k);
    }
}
