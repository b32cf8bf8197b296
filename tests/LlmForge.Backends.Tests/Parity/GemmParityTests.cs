using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>A GEMM entry point: a backend's <see cref="ITensorBackend.Gemm"/> or a GEMM class's static one.</summary>
public delegate void GemmCall(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
    ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

public class GemmParityTests
{
    public sealed record Case(string Name, int M, int N, int K, float Alpha, float Beta, int Pad)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<string, Case> Shapes => TestBackends.Cross(
        new Case("1x1x1", 1, 1, 1, 1f, 0f, 0),
        new Case("7x13x29", 7, 13, 29, 1f, 0f, 0),
        new Case("29x7x13 alpha beta", 29, 7, 13, 0.5f, -0.75f, 0),
        new Case("17x33x65 lda>cols", 17, 33, 65, 1.5f, 1f, 3),
        new Case("31x1x97 vector", 31, 1, 97, 1f, 0.25f, 5),
        new Case("1x47x23 row", 1, 47, 23, -2f, 0f, 1),
        new Case("64x70x0 k=0", 64, 70, 0, 1f, 0.5f, 0),
        new Case("33x65x17 alpha=0", 33, 65, 17, 0f, 2f, 2),
        new Case("130x67x200 beyond tiles", 130, 67, 200, 1f, 0f, 7));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_matches_double_reference_for_every_transpose(string backend, Case c) =>
        CheckAllTransposes(TestBackends.Create(backend).Gemm, c);

    internal static void CheckAllTransposes(GemmCall gemm, Case c)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                Check(gemm, transA, transB, c.M, c.N, c.K, c.Alpha, c.Beta, c.Pad, seed: c.M * 1000 + c.N, $"{c.Name} transA={transA} transB={transB}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Gemm_with_beta_zero_ignores_NaN_in_C(string backend)
    {
        var be = TestBackends.Create(backend);
        int m = 5, n = 19, k = 11;
        var a = TestData.Uniform(m * k, 1);
        var b = TestData.Uniform(k * n, 2);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        be.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        var expected = ReferenceGemm.Gemm(false, false, m, n, k, 1, a, k, 0, b, n, 0, 0, c, n, 0);
        Approx.Within(expected, c, Bounds(expected.Length, k, 1, 1, 1, 0, c), "C");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Gemm_GPT2_MLP_sized_product(string backend)
    {
        // x (256 tokens, 768) · W_fc (768, 3072), GPT-2 small's c_fc.
        Check(TestBackends.Create(backend).Gemm, false, false, 256, 3072, 768, 1f, 0f, 0, seed: 7, "256x3072x768");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Gemm_GPT2_tied_LM_head_sized_product(string backend)
    {
        // logits (128 tokens, 50257) = x (128, 768) · wteᵀ with wte (50257, 768).
        Check(TestBackends.Create(backend).Gemm, false, true, 128, 50257, 768, 1f, 0f, 0, seed: 8, "128x50257x768");
    }

    internal static void Check(GemmCall gemm, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed, string what)
    {
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = TestData.Uniform(Math.Max(0, aRows * lda), seed);
        var b = TestData.Uniform(Math.Max(0, bRows * ldb), seed + 1);
        var c = TestData.Uniform(m * ldc, seed + 2);
        var c0 = (float[])c.Clone();
        gemm(transA, transB, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, ldc);

        var expected = ReferenceGemm.Gemm(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c0, ldc, 0);
        var actual = new float[m * n];
        for (int i = 0; i < m; i++) c.AsSpan(i * ldc, n).CopyTo(actual.AsSpan(i * n));
        Approx.Within(expected, actual, Bounds(m * n, k, alpha, TestData.MaxAbs(a), TestData.MaxAbs(b), beta, c0), what);
        // Padding between rows of C is not part of C: it must be left alone.
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                Assert.True(c[i * ldc + j] == c0[i * ldc + j], $"{what}: C padding at row {i}, col {j} was written.");
    }

    /// <summary>Per-entry bound of <see cref="Tolerances.GemmScale"/>.</summary>
    internal static double[] Bounds(int count, int k, float alpha, float maxA, float maxB, float beta, float[] c0)
    {
        double product = Tolerances.GemmScale * Math.Sqrt(Math.Max(1, k)) * Math.Abs(alpha) * maxA * maxB;
        double old = beta == 0 ? 0 : Tolerances.SumRelative * Math.Abs(beta) * TestData.MaxAbs(c0);
        return Enumerable.Repeat(product + old + 1e-30, count).ToArray();
    }
}
