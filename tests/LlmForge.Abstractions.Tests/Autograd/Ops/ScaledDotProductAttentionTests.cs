using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class ScaledDotProductAttentionTests
{
    private const int B = 2, H = 2, D = 5;

    /// <summary>The masks attention uses, with the (Tq, Tk) they are tried on.</summary>
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in new[] { "Managed", "Mkl" })
            foreach (var mask in new[] { "none", "causal", "causal-offset-window", "padding-causal", "padding" })
                data.Add(backend, mask);
        return data;
    }

    private static (int Tq, int Tk, AttentionMaskSpec? Mask) Setup(string mask) => mask switch
    {
        "none" => (3, 4, null),
        "causal" => (4, 4, AttentionMaskSpec.CausalMask()),
        "causal-offset-window" => (3, 6, AttentionMaskSpec.CausalMask(queryOffset: 3, window: 2)),
        // Item 0 left-padded: its first query sees no real key (a fully masked row).
        "padding-causal" => (4, 4, new AttentionMaskSpec { Causal = true, KeyValid = [0, 1, 1, 1, 1, 1, 1, 0] }),
        "padding" => (4, 4, AttentionMaskSpec.Padding([1, 1, 1, 0, 0, 0, 0, 0])),   // item 1 all padding
        _ => throw new ArgumentException(mask, nameof(mask)),
    };

    /// <summary>q (B, H, Tq, D), k and v (B, H, Tk, D) as parameters, and the mask, for a case of <see cref="Setup"/>.</summary>
    private static (Tensor Q, Tensor K, Tensor V, AttentionMaskSpec? Mask) Inputs(string backendName, string maskName, int seed)
    {
        var (tq, tk, mask) = Setup(maskName);
        var backend = TestBackends.Create(backendName);
        return (GradCheck.Param(backend, seed, B, H, tq, D), GradCheck.Param(backend, seed + 1, B, H, tk, D),
            GradCheck.Param(backend, seed + 2, B, H, tk, D), mask);
    }

    private static Tensor Unfused(Tensor q, Tensor k, Tensor v, AttentionMaskSpec? mask) =>
        q.MatMul(k, transposeB: true).Scale(1f / MathF.Sqrt(D)).Softmax(mask).MatMul(v);

    [Theory, MemberData(nameof(Cases))]
    public void Matches_the_unfused_composition(string backendName, string maskName)
    {
        var (q, k, v, mask) = Inputs(backendName, maskName, seed: 1);
        var fused = q.ScaledDotProductAttention(k, v, mask);
        var reference = Unfused(q, k, v, mask);
        Assert.Equal(reference.Shape, fused.Shape);
        for (int i = 0; i < fused.Length; i++) Assert.Equal(reference.Data[i], fused.Data[i], 1e-5);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string backendName, string maskName)
    {
        var (q, k, v, mask) = Inputs(backendName, maskName, seed: 4);
        GradCheck.Assert(xs => xs[0].ScaledDotProductAttention(xs[1], xs[2], mask), q, k, v);
    }

    [Fact]
    public void Mismatched_shapes_throw_naming_the_argument()
    {
        var backend = TestBackends.Create("Managed");
        var q = Tensor.Zeros(backend, B, H, 3, D);
        var k = Tensor.Zeros(backend, B, H, 4, D);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(k, Tensor.Zeros(backend, B, H, 5, D))).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => q.ScaledDotProductAttention(Tensor.Zeros(backend, B, H, 4, D + 1), Tensor.Zeros(backend, B, H, 4, D + 1))).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() =>
            q.ScaledDotProductAttention(k, k, AttentionMaskSpec.Padding([1, 1, 1]))).ParamName);
    }
}
