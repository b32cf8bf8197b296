using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>A strided batched GEMM entry point (see <see cref="GemmCall"/>).</summary>
public delegate void GemmBatchedCall(bool transA, bool transB, int m, int n, int k, float alpha,
    ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
    float beta, Span<float> c, int ldc, long strideC, int batch);

public class GemmBatchedParityTests
{
    public sealed record Case(string Name, int M, int N, int K, int Batch, bool BroadcastA, bool BroadcastB, bool InterleavedC)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<string, Case> Layouts => TestBackends.Cross(
        new Case("gapped strides", 7, 13, 29, 5, false, false, false),
        new Case("broadcast A (stride 0)", 11, 5, 17, 4, true, false, false),
        new Case("broadcast B (stride 0)", 9, 23, 8, 3, false, true, false),
        new Case("heads interleaved in C", 16, 8, 16, 6, false, false, true),
        new Case("single", 3, 4, 5, 1, false, false, false),
        new Case("empty batch", 3, 4, 5, 0, false, false, false));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void GemmStridedBatched_matches_per_matrix_reference(string backend, Case c) =>
        CheckAllTransposes(TestBackends.Create(backend).GemmStridedBatched, c);

    internal static void CheckAllTransposes(GemmBatchedCall gemm, Case c)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                Check(gemm, c, transA, transB, 1.25f, 0.5f);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Shared_C_accumulates_the_products_in_order(string backend) =>
        CheckSharedC(TestBackends.Create(backend).GemmStridedBatched);

    /// <summary>
    /// strideC = 0: the products apply one after another, C ← alpha·AᵢBᵢ + beta·C, so
    /// C = betaᵇ·C₀ + Σᵢ alpha·beta^(b−1−i)·AᵢBᵢ (with beta = 1, dW = Σ over the batch).
    /// </summary>
    internal static void CheckSharedC(GemmBatchedCall gemm)
    {
        foreach (float beta in new[] { 1f, 0.5f })
        {
            int m = 6, n = 9, k = 13, batch = 4;
            var a = TestData.Uniform(batch * m * k, 14);
            var b = TestData.Uniform(batch * k * n, 15);
            var c = TestData.Uniform(m * n, 16);
            var expected = TestData.ToDouble(c);
            for (int i = 0; i < batch; i++)
                expected = ReferenceGemm.Gemm(false, false, m, n, k, 0.75, a, k, i * m * k, b, n, i * k * n, beta,
                    expected.Select(v => (float)v).ToArray(), n, 0);
            gemm(false, false, m, n, k, 0.75f, a, k, m * k, b, n, k * n, beta, c, n, 0, batch);
            var bound = Enumerable.Repeat(batch * Tolerances.GemmScale * Math.Sqrt(k) + 1e-5, m * n).ToArray();
            Approx.Within(expected, c, bound, $"shared C, beta {beta}");
        }
    }

    private static void Check(GemmBatchedCall gemm, Case c, bool transA, bool transB, float alpha, float beta)
    {
        int m = c.M, n = c.N, k = c.K, batch = c.Batch;
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 2, ldb = bCols + 1;
        // Gapped strides: each matrix followed by unused elements.
        long strideA = c.BroadcastA ? 0 : aRows * lda + 11;
        long strideB = c.BroadcastB ? 0 : bRows * ldb + 3;
        // Interleaved C: matrix i is the column block [i·n, (i+1)·n) of a [m, batch·n] buffer, as attention's
        // P·V writes head i of (T, H·D).
        int ldc = c.InterleavedC ? batch * n : n + 1;
        long strideC = c.InterleavedC ? n : m * ldc + 7;
        var a = TestData.Uniform((int)(Math.Max(1, batch) * Math.Max(strideA, aRows * lda)), 11);
        var b = TestData.Uniform((int)(Math.Max(1, batch) * Math.Max(strideB, bRows * ldb)), 12);
        var cBuf = TestData.Uniform((int)((Math.Max(1, batch) - 1) * strideC + m * ldc), 13);
        var c0 = (float[])cBuf.Clone();

        gemm(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, cBuf, ldc, strideC, batch);

        var written = new bool[cBuf.Length];
        for (int i = 0; i < batch; i++)
        {
            var expected = ReferenceGemm.Gemm(transA, transB, m, n, k, alpha, a, lda, (int)(i * strideA), b, ldb, (int)(i * strideB),
                beta, c0, ldc, (int)(i * strideC));
            var actual = new float[m * n];
            for (int r = 0; r < m; r++)
                for (int j = 0; j < n; j++)
                {
                    long at = i * strideC + r * ldc + j;
                    actual[r * n + j] = cBuf[at];
                    written[at] = true;
                }
            Approx.Within(expected, actual, GemmParityTests.Bounds(m * n, k, alpha, TestData.MaxAbs(a), TestData.MaxAbs(b), beta, c0),
                $"{c.Name} transA={transA} transB={transB} matrix {i}");
        }
        for (int i = 0; i < cBuf.Length; i++)
            Assert.True(written[i] || cBuf[i] == c0[i], $"{c.Name}: C[{i}] lies outside every matrix but was written.");
    }
}
