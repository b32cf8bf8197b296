using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// <see cref="ITensorBackend.GemmQ8"/>: C = A · Bᵀ with B in 8-bit blocks of 32, on every backend, against
/// <see cref="Q8Reference"/> (the same quantized math in double). Shapes cover the int8 path (m ≤ 4: A quantized too,
/// rows of B in groups of four and a remainder, split over threads), the dequantized path (m &gt; 4), k not a
/// multiple of 32 (a padded last block), k shorter than a block, and empty products.
/// </summary>
public class GemmQ8ParityTests
{
    public sealed record Case(int M, int N, int K)
    {
        public override string ToString() => $"{M}x{N}x{K}";
    }

    public static TheoryData<string, Case> Shapes => TestBackends.Cross(
        new Case(1, 1, 1),
        new Case(1, 7, 13),          // one partial block, rows past a group of four
        new Case(1, 5, 33),          // a whole block and one value
        new Case(1, 768, 768),       // a GPT-2 projection for one token: split over threads
        new Case(1, 50257, 64),
        new Case(2, 130, 17),
        new Case(3, 9, 96),
        new Case(4, 3072, 768),      // c_fc for four rows decoded together
        new Case(5, 7, 13),          // the first dequantized shape
        new Case(33, 300, 70),       // blocks of 128 rows of B and a partial one, k with a partial block
        new Case(32, 768, 768),      // a 32-token prompt through a projection
        new Case(0, 5, 7),
        new Case(3, 0, 7),
        new Case(3, 5, 0));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GemmQ8_matches_a_double_product_of_the_same_quantized_math(string backend, Case c)
    {
        var (m, n, k) = (c.M, c.N, c.K);
        var a = TestData.Uniform(m * k, 1);
        var (q, d) = Q8Reference.Quantize(TestData.Uniform(n * k, 2), n, k);
        var actual = TestData.Uniform(m * n, 3); // overwritten, whatever it held
        TestBackends.Create(backend).GemmQ8(m, n, k, a, q, d, actual);

        var (expected, bounds) = Q8Reference.Product(m, n, k, a, q, d);
        Approx.Within(expected, actual, bounds, $"GemmQ8 {c}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GemmQ8_is_the_same_on_one_thread_and_on_several(string backend)
    {
        int n = 50257, k = 768;
        var (q, d) = Q8Reference.Quantize(TestData.Uniform(n * k, 5), n, k);
        var x = TestData.Uniform(2 * k, 6);
        var be = TestBackends.Create(backend);
        var one = new float[2 * n];
        var several = new float[2 * n];
        be.Threads = 1;
        be.GemmQ8(2, n, k, x, q, d, one);
        be.Threads = TestBackends.Threads;
        be.GemmQ8(2, n, k, x, q, d, several);
        Assert.Equal(one, several);
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GemmQ8_with_one_row_is_close_to_the_float_product(string backend)
    {
        // What quantizing the activation costs on top of the weight: |C − A·dequantized(B)ᵀ| stays within the
        // activation's rounding, Σ_p |w_p| · d_A / 2 per entry.
        int n = 64, k = 256;
        var a = TestData.Uniform(k, 7);
        var (q, d) = Q8Reference.Quantize(TestData.Uniform(n * k, 8), n, k);
        var c = new float[n];
        TestBackends.Create(backend).GemmQ8(1, n, k, a, q, d, c);
        var w = new float[n * k];
        Q8Blocks.Dequantize(q, d, n, k, w);
        for (int j = 0; j < n; j++)
        {
            double exact = 0, bound = 1e-5;
            for (int p = 0; p < k; p++)
            {
                exact += (double)a[p] * w[j * k + p];
                bound += Math.Abs(w[j * k + p]) * (1.0 / 127) / 2; // |a| ≤ 1: d_A ≤ 1 / 127
            }
            Assert.True(Math.Abs(c[j] - exact) <= bound, $"row {j}: {c[j]} vs {exact}, bound {bound}");
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GemmQ8_names_a_buffer_too_short_for_its_sizes(string backend)
    {
        var be = TestBackends.Create(backend);
        var error = Assert.Throws<ArgumentException>(() => be.GemmQ8(2, 3, 4, new float[8], new sbyte[95], new float[3], new float[6]));
        Assert.Equal("quants", error.ParamName);
        Assert.Contains("95", error.Message);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => be.GemmQ8(2, 3, 40, new float[80], new sbyte[192], new float[5], new float[6])).ParamName);
        Assert.Equal("m", Assert.ThrowsAny<ArgumentException>(() => be.GemmQ8(-1, 3, 4, [], [], [], [])).ParamName);
    }
}
