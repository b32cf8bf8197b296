using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd;

/// <summary>
/// What a user writes from the public primitives alone (the course's exercises: LayerNorm, RMSNorm, an activation, a
/// causal attention head) against the built-in fused kernels: forward values and every input's gradient agree to
/// 1e-5 (relative above 1), on every backend.
/// </summary>
public class FromPrimitivesTests
{
    private const double Tolerance = 1e-5;

    // ------------------------------------------------------------------ written from primitives, as a user would

    /// <summary>(x − mean) / √(var + eps) · γ + β over the last axis, var the biased variance.</summary>
    private static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps)
    {
        var centered = x - x.MeanLastAxis(keepDim: true);                 // [.., C] − [.., 1]
        var variance = centered.Square().MeanLastAxis(keepDim: true);     // [.., 1]
        return centered * (variance + eps).Rsqrt() * gamma + beta;        // per-row 1/σ, then per-channel γ, β
    }

    /// <summary>x / √(mean(x²) + eps) · γ.</summary>
    private static Tensor RmsNorm(Tensor x, Tensor gamma, float eps) =>
        x * (x.Square().MeanLastAxis(keepDim: true) + eps).Rsqrt() * gamma;

    /// <summary>SiLU as x · σ(x).</summary>
    private static Tensor Silu(Tensor x) => x * x.Sigmoid();

    /// <summary>GPT-2's GELU, ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    private static Tensor GeluTanh(Tensor x)
    {
        var inner = (x + x.Square() * x * 0.044715f) * MathF.Sqrt(2 / MathF.PI);
        return 0.5f * x * (inner.Tanh() + 1f);
    }

    /// <summary>SwiGLU feed-forward: (SiLU(x·W1) ⊙ x·W2) · W3, with the given SiLU.</summary>
    private static Tensor SwiGlu(Tensor x, Tensor w1, Tensor w2, Tensor w3, Func<Tensor, Tensor> silu) =>
        (silu(x.MatMul(w1)) * x.MatMul(w2)).MatMul(w3);

    /// <summary>One causal attention head: softmax(q·kᵀ/√d, causal) · v, the mask given to Softmax.</summary>
    private static Tensor CausalHead(Tensor q, Tensor k, Tensor v)
    {
        float scale = 1f / MathF.Sqrt(q.Shape[^1]);
        var scores = q.MatMul(k, transposeB: true) * scale;               // [.., T, T]
        return scores.Softmax(AttentionMaskSpec.CausalMask()).MatMul(v);
    }

    /// <summary>The same head with the mask as a masked fill: −∞ added above the diagonal before the softmax.</summary>
    private static Tensor CausalHeadMaskedFill(Tensor q, Tensor k, Tensor v)
    {
        int t = q.Shape[^2];
        var fill = new float[t * t];
        for (int i = 0; i < t; i++)
            for (int j = i + 1; j < t; j++) fill[i * t + j] = float.NegativeInfinity;
        var mask = Tensor.FromArray(q.Backend, fill, t, t);               // a constant [T, T], broadcast over [.., T, T]
        var scores = q.MatMul(k, transposeB: true) * (1f / MathF.Sqrt(q.Shape[^1]));
        return (scores + mask).Softmax().MatMul(v);
    }

    // ------------------------------------------------------------------ the comparisons

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void LayerNormFromPrimitivesMatchesTheKernel(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        Tensor[] inputs = [GradCheck.Param(backend, 1, 2, 5, 16), GradCheck.Param(backend, 2, 16), GradCheck.Param(backend, 3, 16)];
        Same(xs => xs[0].LayerNorm(xs[1], xs[2], 1e-5f), xs => LayerNorm(xs[0], xs[1], xs[2], 1e-5f), inputs);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void RmsNormFromPrimitivesMatchesTheKernel(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        Tensor[] inputs = [GradCheck.Param(backend, 4, 2, 5, 16), GradCheck.Param(backend, 5, 16)];
        Same(xs => xs[0].RmsNorm(xs[1], 1e-6f), xs => RmsNorm(xs[0], xs[1], 1e-6f), inputs);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ActivationsFromPrimitivesMatchTheKernels(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        Tensor[] x = [GradCheck.Param(backend, 6, 2f, 3, 16)];
        Same(xs => xs[0].Silu(), xs => Silu(xs[0]), x);
        Same(xs => xs[0].Gelu(GeluApproximation.Tanh), xs => GeluTanh(xs[0]), x);

        Tensor[] ffn = [GradCheck.Param(backend, 7, 2, 3, 8), GradCheck.Param(backend, 8, 0.5f, 8, 12),
            GradCheck.Param(backend, 9, 0.5f, 8, 12), GradCheck.Param(backend, 10, 0.5f, 12, 8)];
        Same(xs => SwiGlu(xs[0], xs[1], xs[2], xs[3], F.Silu), xs => SwiGlu(xs[0], xs[1], xs[2], xs[3], Silu), ffn);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void CausalAttentionHeadFromPrimitivesMatchesFusedAttention(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        // (B, nh, T, hs) = (2, 2, 7, 8)
        Tensor[] qkv = [GradCheck.Param(backend, 11, 2, 2, 7, 8), GradCheck.Param(backend, 12, 2, 2, 7, 8), GradCheck.Param(backend, 13, 2, 2, 7, 8)];
        var causal = AttentionMaskSpec.CausalMask();
        Same(xs => xs[0].ScaledDotProductAttention(xs[1], xs[2], causal), xs => CausalHead(xs[0], xs[1], xs[2]), qkv);
        Same(xs => xs[0].ScaledDotProductAttention(xs[1], xs[2], causal), xs => CausalHeadMaskedFill(xs[0], xs[1], xs[2]), qkv);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TheComparisonCatchesAWrongComposition(string backendName)
    {
        // The unbiased variance (÷ (C − 1)) instead of LayerNorm's biased one: off by a factor √(16/15) ≈ 1.03.
        var backend = TestBackends.Create(backendName);
        Tensor[] inputs = [GradCheck.Param(backend, 1, 2, 5, 16), GradCheck.Param(backend, 2, 16), GradCheck.Param(backend, 3, 16)];
        Tensor Unbiased(Tensor[] xs)
        {
            var centered = xs[0] - xs[0].MeanLastAxis(keepDim: true);
            var variance = centered.Square().SumLastAxis(keepDim: true) * (1f / 15);
            return centered * (variance + 1e-5f).Rsqrt() * xs[1] + xs[2];
        }
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Same(xs => xs[0].LayerNorm(xs[1], xs[2], 1e-5f), Unbiased, inputs));
    }

    /// <summary>
    /// Asserts that <paramref name="builtin"/> and <paramref name="primitives"/> give the same output and, for a
    /// random upstream gradient, the same gradient of every input: |a − b| ≤ 1e-5 · max(1, |b|), failing on NaN.
    /// </summary>
    private static void Same(Func<Tensor[], Tensor> builtin, Func<Tensor[], Tensor> primitives, Tensor[] inputs)
    {
        var (expected, expectedGrads) = Run(builtin, inputs);
        var (actual, actualGrads) = Run(primitives, inputs);
        Close(expected, actual, "output");
        for (int n = 0; n < inputs.Length; n++) Close(expectedGrads[n], actualGrads[n], $"gradient of input {n}");
    }

    private static (float[] Output, float[][] Grads) Run(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        foreach (var x in inputs) x.ZeroGrad();
        var y = f(inputs);
        var upstream = Tensor.Randn(y.Backend, 99, 1f, y.Shape);
        var output = y.Data.ToArray();
        y.Backward(upstream);
        return (output, inputs.Select(x => (x.Grad ?? throw new Xunit.Sdk.XunitException("no gradient reached an input")).ToArray()).ToArray());
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(actual[i] - (double)expected[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: from primitives {actual[i]:G9}, built-in {expected[i]:G9}");
    }
}
