using LlmForge.Backends.Managed.Gemm;
using Xunit;
using static LlmForge.Tests.Gemm.GemmReference;

namespace LlmForge.Tests.Gemm;

/// <summary>
/// PackedGemm against a double-precision reference, on every micro-kernel this CPU runs.
/// Tolerance: see <see cref="GemmReference.Tolerance"/> (1e-5 · k · max|a| · max|b| per entry).
/// </summary>
public class PackedGemmTests
{
    // Sizes straddle every blocking edge: the AVX-512 tile 8 × 48, the AVX2 tile 6 × 16, the
    // scalar 4 × 4, KC = 256, MC = 768 (512 scalar) and NB = 480 (512 AVX2/scalar). With AVX-512 or
    // AVX2, products with a side ≤ 4 take the skinny (GEMV) path: both its forms, 128- or 64-column
    // chunks, k tails, and (last two) splits between threads.
    static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (7, 13, 29), (1, 97, 37), (97, 1, 37), (1, 1, 300), (8, 48, 16), (9, 49, 17),
        (15, 47, 8), (16, 96, 1), (5, 130, 6), (10, 50, 255), (10, 50, 256), (9, 17, 600),
        (769, 20, 9), (12, 481, 9), (33, 65, 40),
        (4, 200, 33), (3, 1000, 7), (3, 300, 20), (201, 2, 45), (2, 3000, 200), (3001, 3, 200),
    ];

    public static TheoryData<string, bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<string, bool, bool, int, int, int>();
        foreach (var isa in SupportedKernels())
            foreach (var (m, n, k) in Shapes)
                for (int t = 0; t < 4; t++)
                    data.Add(isa, (t & 1) != 0, (t & 2) != 0, m, n, k);
        return data;
    }

    public static TheoryData<string> Kernels() => new(SupportedKernels());

    static IEnumerable<string> SupportedKernels() =>
        Enum.GetValues<GemmIsa>().Where(i => i.IsSupported()).Select(i => i.ToString());

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(string kernel, bool transA, bool transB, int m, int n, int k)
    {
        var isa = Enum.Parse<GemmIsa>(kernel);
        var rng = new Random(m * 7919 + n * 31 + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        // beta = 0 over a C full of NaN, dense leading dimensions.
        Check(isa, rng, transA, transB, m, n, k, alpha: 1f, beta: 0f, pad: 0, threads: 1);
        Check(isa, rng, transA, transB, m, n, k, alpha: 1f, beta: 0f, pad: 0, threads: 2);
        // alpha and beta, leading dimensions larger than the rows they hold.
        Check(isa, rng, transA, transB, m, n, k, alpha: -0.5f, beta: 0.75f, pad: 3, threads: 2);
        Check(isa, rng, transA, transB, m, n, k, alpha: 2f, beta: 1f, pad: 1, threads: 1);
    }

    static void Check(GemmIsa isa, Random rng, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int pad, int threads)
    {
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + 2 * pad, ldc = n + 3 * pad;
        var a = Random(rng, (long)(transA ? k : m) * lda);
        var b = Random(rng, (long)(transB ? n : k) * ldb);
        var c = beta == 0f ? Enumerable.Repeat(float.NaN, m * ldc).ToArray() : Random(rng, (long)m * ldc);
        var c0 = (float[])c.Clone();
        var expected = GemmReference.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);

        PackedGemm.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, isa);

        string what = $"{isa} {(transA ? "T" : "N")}{(transB ? "T" : "N")} {m}x{n}x{k} alpha={alpha} beta={beta} pad={pad} threads={threads}";
        AssertClose(expected, c, m, n, ldc, Tolerance(k, alpha, MaxAbs(a), MaxAbs(b), beta, MaxAbs(c0)), what);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                Assert.True(c0[i * ldc + j].Equals(c[i * ldc + j]), $"{what}: padding C[{i}, {j}] was written.");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void TwoThreadsGiveBitIdenticalResults(string kernel)
    {
        var isa = Enum.Parse<GemmIsa>(kernel);
        var rng = new Random(5);
        // Split along n (n ≥ m), along m, and with several k blocks; all large enough to use 2 threads.
        // Then skinny products (GEMV), whose long side is split into chunks of whole rows or column blocks.
        foreach (var (m, n, k, transA, transB) in new[]
                 {
                     (100, 301, 70, false, true), (301, 100, 70, true, false), (130, 250, 600, false, false),
                     (1, 3001, 100, false, true), (2, 3001, 100, false, false), (3001, 3, 100, true, false), (3001, 1, 100, false, true),
                 })
        {
            var a = Random(rng, (long)m * k);
            var b = Random(rng, (long)k * n);
            var c1 = Random(rng, (long)m * n);
            var c2 = (float[])c1.Clone();
            int lda = transA ? m : k, ldb = transB ? k : n;
            PackedGemm.Gemm(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 0.25f, c1, n, 1, isa);
            PackedGemm.Gemm(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 0.25f, c2, n, 2, isa);
            Assert.Equal(c1, c2);
        }
    }

    [Theory]
    [InlineData(3, 2)] // batch not a multiple of threads: each product threaded in turn
    [InlineData(4, 2)] // whole products per thread
    [InlineData(4, 1)]
    public void StridedBatchedMatchesReferencePerProduct(int batch, int threads)
    {
        var rng = new Random(batch * 10 + threads);
        // Attention shapes in miniature: Q·Kᵀ (NT) and P·V (NN), with gaps between the matrices;
        // then one query row at a time, as in generation (the skinny path).
        foreach (var (m, n, k, transB) in new[] { (20, 20, 16, true), (20, 16, 20, false), (1, 37, 16, true), (1, 16, 37, false) })
        {
            int lda = k, ldb = transB ? k : n, ldc = n + 2;
            long strideA = (long)m * lda + 11, strideB = (long)k * n + 5, strideC = (long)m * ldc + 3;
            // Also broadcast one A (strideA = 0) or one B (strideB = 0) to every product.
            foreach (var (sa, sb) in new[] { (strideA, strideB), (0L, strideB), (strideA, 0L) })
            {
                var a = Random(rng, sa * (batch - 1) + (long)m * lda);
                var b = Random(rng, sb * (batch - 1) + (long)(transB ? n : k) * ldb);
                var c = Random(rng, strideC * batch);
                var c0 = (float[])c.Clone();
                PackedGemm.GemmStridedBatched(false, transB, m, n, k, 1.5f, a, lda, sa, b, ldb, sb,
                    0.5f, c, ldc, strideC, batch, threads);
                for (int i = 0; i < batch; i++)
                {
                    var expected = GemmReference.Gemm(false, transB, m, n, k, 1.5f, a.AsSpan((int)(i * sa)), lda,
                        b.AsSpan((int)(i * sb)), ldb, 0.5f, c0.AsSpan((int)(i * strideC)), ldc);
                    AssertClose(expected, c.AsSpan((int)(i * strideC)), m, n, ldc,
                        Tolerance(k, 1.5f, 1, 1, 0.5f, 1), $"product {i} of {batch}, strides {sa}/{sb}");
                }
                for (long i = 0; i < c.Length; i++)
                    if (i % strideC >= (long)(m - 1) * ldc + n || i % strideC % ldc >= n)
                        Assert.Equal(c0[i], c[i]); // gaps and row padding untouched
            }
        }
    }

    [Fact]
    public void StridedBatchedWithStrideCZeroAccumulatesEveryProduct()
    {
        var rng = new Random(9);
        int m = 6, n = 50, k = 7, batch = 4;
        var a = Random(rng, (long)batch * m * k);
        var b = Random(rng, (long)batch * k * n);
        var c = Random(rng, (long)m * n);
        var expected = c.Select(v => (double)v).ToArray();
        for (int i = 0; i < batch; i++)
        {
            var product = GemmReference.Gemm(false, false, m, n, k, 1f, a.AsSpan(i * m * k), k,
                b.AsSpan(i * k * n), n, 0f, c, n);
            for (int e = 0; e < expected.Length; e++)
                expected[e] += product[e];
        }
        PackedGemm.GemmStridedBatched(false, false, m, n, k, 1f, a, k, m * k, b, n, k * n, 1f, c, n, 0, batch, 2);
        AssertClose(expected, c, m, n, n, batch * Tolerance(k, 1f, 1, 1, 1f, 1), "C += Σ A_i · B_i");
    }

    [Theory]
    [InlineData(256, 2304, 768)] // GPT-2 small c_attn over 256 tokens: x · W_qkvᵀ
    [InlineData(24, 50257, 64)]  // LM-head width: 50257 = 1047 · 48 + 1 leaves a one-column edge
    public void GptSizedProductMatchesReference(int m, int n, int k)
    {
        var rng = new Random(n);
        var a = Random(rng, (long)m * k);
        var b = Random(rng, (long)n * k); // stored [n, k], used transposed
        var c = new float[(long)m * n];
        PackedGemm.Gemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n, 2);
        var expected = GemmReference.Gemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
        AssertClose(expected, c, m, n, n, Tolerance(k, 1f, 1, 1, 0f, 0), $"{m}x{n}x{k}");
    }

    [Fact]
    public void SingleThreadedCallsAllocateNothingOnceWarm()
    {
        var rng = new Random(3);
        var a = Random(rng, 300 * 200);
        var b = Random(rng, 200 * 100);
        var c = new float[300 * 100];
        void Run()
        {
            PackedGemm.Gemm(false, true, 300, 100, 200, 1f, a, 200, b, 200, 0f, c, 100, 1); // packed
            PackedGemm.Gemm(false, false, 1, 100, 200, 1f, a, 200, b, 100, 0f, c, 100, 1);  // skinny
            PackedGemm.GemmStridedBatched(true, false, 20, 10, 30, 1f, a, 20, 600, b, 10, 300, 0.5f, c, 10, 200, 4, 1);
        }
        Run(); // packing buffers grow on first use
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AlphaZeroOrKZeroScalesCByBeta()
    {
        var a = new[] { float.NaN, 1f };
        var b = new[] { 2f, float.PositiveInfinity };
        var c = new[] { 1f, float.NaN, 3f, 4f };
        PackedGemm.Gemm(false, false, 2, 2, 1, 0f, a, 1, b, 2, 0f, c, 2, 2);
        Assert.Equal(new[] { 0f, 0f, 0f, 0f }, c);

        c = [1f, 2f, 3f, 4f];
        PackedGemm.Gemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 2f, c, 2, 1);
        Assert.Equal(new[] { 2f, 4f, 6f, 8f }, c);
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        var x = new float[12];
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => PackedGemm.Gemm(false, false, -1, 3, 4, 1f, x, 4, x, 3, 0f, x, 3, 1)).ParamName);
        Assert.Equal("lda", Assert.Throws<ArgumentException>(() => PackedGemm.Gemm(false, false, 3, 3, 4, 1f, x, 3, x, 3, 0f, x, 3, 1)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentException>(() => PackedGemm.Gemm(false, true, 3, 3, 4, 1f, x, 4, x, 3, 0f, x, 3, 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => PackedGemm.Gemm(false, false, 4, 3, 4, 1f, x, 4, x, 3, 0f, new float[12], 3, 1)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => PackedGemm.Gemm(false, false, 3, 3, 4, 1f, x, 4, x, 3, 0f, new float[8], 3, 1)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => PackedGemm.Gemm(false, false, 3, 3, 4, 1f, x, 4, x, 3, 0f, x, 3, 0)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => PackedGemm.GemmStridedBatched(false, false, 2, 3, 2, 1f,
            x, 2, 5, x, 3, 0, 0f, x, 3, 3, 3, 1));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("3 matrices 5 apart", e.Message);
        Assert.Equal("strideB", Assert.Throws<ArgumentException>(() => PackedGemm.GemmStridedBatched(false, false, 2, 3, 2, 1f,
            x, 2, 0, x, 3, -1, 0f, x, 3, 0, 1, 1)).ParamName);
    }
}
