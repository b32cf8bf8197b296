using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// <see cref="ITensorBackend.GemmBf16"/>: C = A · Bᵀ with B in bfloat16, on every backend, against a double
/// reference over the bfloat16 values B stands for (so the only error is float32 summation, bounded as for
/// <see cref="GemmParityTests"/>). Shapes cover the streaming path (m ≤ 4, split over threads), the widened
/// path (m &gt; 4, blocks of B through the packed GEMM, on the calling thread or spread over the threads), odd k (register tails) and empty products.
/// </summary>
public class GemmBf16ParityTests
{
    public sealed record Case(int M, int N, int K)
    {
        public override string ToString() => $"{M}x{N}x{K}";
    }

    public static TheoryData<string, Case> Shapes => TestBackends.Cross(
        new Case(1, 1, 1),
        new Case(1, 7, 13),
        new Case(1, 5, 33),          // k past two registers plus a tail, rows past a group of four
        new Case(1, 768, 768),       // a GPT-2 projection for one token: split over threads
        new Case(1, 50257, 64),
        new Case(2, 130, 17),
        new Case(3, 9, 48),
        new Case(4, 3072, 768),      // c_fc for four rows decoded together
        new Case(5, 7, 13),          // the first widened shape
        new Case(33, 300, 70),       // blocks of 128 rows of B and a partial one
        new Case(32, 768, 768),      // a 32-token prompt through a projection
        new Case(7, 1000, 19),       // blocks of B spread over the threads, the last one partial
        new Case(0, 5, 7),
        new Case(3, 0, 7),
        new Case(3, 5, 0));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GemmBf16_matches_a_double_product_over_the_bfloat16_values(string backend, Case c)
    {
        var (m, n, k) = (c.M, c.N, c.K);
        var a = TestData.Uniform(m * k, 1);
        var weights = TestData.Uniform(n * k, 2);
        var b = new ushort[n * k];
        BFloat16.FromFloat(weights, b);
        var actual = TestData.Uniform(m * n, 3); // overwritten, whatever it held
        TestBackends.Create(backend).GemmBf16(m, n, k, a, b, actual);

        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * BFloat16.ToFloat(b[j * k + p]);
                expected[i * n + j] = sum;
            }
        var bounds = GemmParityTests.Bounds(m * n, k, 1f, 1f, 1f, 0f, []);
        Approx.Within(expected, actual, bounds, $"GemmBf16 {c}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GemmBf16_is_the_same_on_one_thread_and_on_several(string backend)
    {
        int n = 50257, k = 768;
        var b = new ushort[n * k];
        BFloat16.FromFloat(TestData.Uniform(n * k, 5), b);
        var x = TestData.Uniform(2 * k, 6);
        var be = TestBackends.Create(backend);
        var one = new float[2 * n];
        var several = new float[2 * n];
        be.Threads = 1;
        be.GemmBf16(2, n, k, x, b, one);
        be.Threads = TestBackends.Threads;
        be.GemmBf16(2, n, k, x, b, several);
        Assert.Equal(one, several);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GemmBf16_names_a_buffer_too_short_for_its_sizes(string backend)
    {
        var be = TestBackends.Create(backend);
        var error = Assert.Throws<ArgumentException>(() => be.GemmBf16(2, 3, 4, new float[8], new ushort[11], new float[6]));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("11", error.Message);
        Assert.Equal("m", Assert.ThrowsAny<ArgumentException>(() => be.GemmBf16(-1, 3, 4, [], [], [])).ParamName);
    }
}
