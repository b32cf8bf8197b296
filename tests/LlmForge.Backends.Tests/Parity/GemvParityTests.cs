using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// GEMV-shaped products, the whole of a decoding step: one row (or up to four) of op(A) against a long op(B)
/// — a token through a Linear ([out, in] weight, transB) or the tied LM head — and the mirror image, one column
/// of op(B) against a tall op(A). Both storage orders of the long operand are covered by every transpose, on
/// every backend, against the double reference with <see cref="GemmParityTests"/>' bounds.
/// </summary>
public class GemvParityTests
{
    private static GemmParityTests.Case Row(int m, int n, int k, float alpha = 1f, float beta = 0f, int pad = 0) =>
        new($"{m}x{n}x{k}{(alpha != 1f || beta != 0f ? $" alpha={alpha} beta={beta}" : "")}{(pad > 0 ? $" pad={pad}" : "")}", m, n, k, alpha, beta, pad);

    public static TheoryData<string, GemmParityTests.Case> Shapes => TestBackends.Cross(
        Row(1, 1, 1),
        Row(1, 7, 13),
        Row(1, 1, 768),
        Row(1, 7, 768, 0.5f, -0.75f, 3),
        Row(1, 50257, 1),
        Row(1, 50257, 13, -2f, 1f, 1),
        Row(1, 50257, 768),                // GPT-2's tied LM head for one token
        Row(1, 3072, 768, 1f, 1f),         // c_fc, accumulating into C
        Row(1, 768, 3072, 1f, 0f, 5),      // c_proj
        Row(3, 7, 13, 1.5f, 0.25f, 2),
        Row(4, 50257, 768),                // four rows decoded together
        Row(7, 1, 13),
        Row(50257, 1, 768, 1f, 0.5f),      // the long side along m: one column of op(B)
        Row(768, 3, 768, 1f, 0f, 4),
        Row(13, 2, 1));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemv_shaped_products_match_double_reference_for_every_transpose(string backend, GemmParityTests.Case c) =>
        GemmParityTests.CheckAllTransposes(TestBackends.Create(backend).Gemm, c);

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void A_GEMV_is_the_same_on_one_thread_and_on_several(string backend)
    {
        // Splitting the long side between threads changes no output's sum: bit-identical results.
        int n = 50257, k = 768;
        var w = TestData.Uniform(n * k, 3);
        var x = TestData.Uniform(k, 4);
        var one = new float[n];
        var several = new float[n];
        var be = TestBackends.Create(backend);
        be.Threads = 1;
        be.Gemm(false, true, 1, n, k, 1f, x, k, w, k, 0f, one, n);
        be.Threads = TestBackends.Threads;
        be.Gemm(false, true, 1, n, k, 1f, x, k, w, k, 0f, several, n);
        Assert.Equal(one, several);
    }
}
