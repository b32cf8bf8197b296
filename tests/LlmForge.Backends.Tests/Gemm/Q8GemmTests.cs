using LlmForge.Backends;
using LlmForge.Backends.Managed.Gemm;
using LlmForge.Tests.Backends;
using Xunit;

namespace LlmForge.Tests.Gemm;

/// <summary>
/// The managed q8_0 kernel on every dot product this CPU runs (AVX-VNNI, AVX2 without VNNI, scalar), against
/// <see cref="Q8Reference"/>; the two SIMD forms sum the same four products per int32 lane, so they must agree bit for bit.
/// For m &gt; 4 the SIMD forms take the in-register dequantizing kernel (AVX-512) and scalar the packed GEMM over
/// dequantized blocks of rows.
/// </summary>
public class Q8GemmTests
{
    static readonly (int M, int N, int K)[] Shapes =
        [(1, 1, 1), (1, 9, 31), (1, 5, 32), (2, 13, 33), (3, 8, 100), (4, 130, 64), (1, 3000, 256), (4, 4, 1000),
         (5, 9, 31), (8, 16, 48), (11, 130, 100), (32, 301, 768)]; // m > 4: float rows (scalar: the dequantized packed GEMM)

    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var isa in Enum.GetValues<Q8Isa>().Where(i => i.IsSupported()))
            foreach (var (m, n, k) in Shapes)
                data.Add(isa.ToString(), m, n, k);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Each_dot_product_matches_the_quantized_reference(string kernel, int m, int n, int k)
    {
        var isa = Enum.Parse<Q8Isa>(kernel);
        var a = TestData.Uniform(m * k, 11, -3, 3);
        var (q, d) = Q8Reference.Quantize(TestData.Uniform(n * k, 12, -0.2f, 0.2f), n, k);
        var c = new float[m * n];
        Q8Gemm.Gemm(m, n, k, a, q, d, c, threads: 2, isa);
        var (expected, bounds) = Q8Reference.Product(m, n, k, a, q, d);
        Approx.Within(expected, c, bounds, $"{kernel} {m}x{n}x{k}");
    }

    [Fact]
    public void Vnni_and_the_avx2_fallback_give_the_same_floats()
    {
        if (!Q8Isa.Vnni.IsSupported() || !Q8Isa.Avx2.IsSupported()) return; // nothing to compare on this CPU
        int m = 3, n = 301, k = 800;
        var a = TestData.Uniform(m * k, 13);
        var (q, d) = Q8Reference.Quantize(TestData.Uniform(n * k, 14), n, k);
        var (vnni, avx2) = (new float[m * n], new float[m * n]);
        Q8Gemm.Gemm(m, n, k, a, q, d, vnni, 2, Q8Isa.Vnni);
        Q8Gemm.Gemm(m, n, k, a, q, d, avx2, 2, Q8Isa.Avx2);
        Assert.Equal(vnni, avx2);
    }
}
