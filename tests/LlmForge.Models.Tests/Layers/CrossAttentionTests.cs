using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Layers;
using LlmForge.Tests.Autograd;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>
/// Multi-head attention as a cross-attention (<see cref="AttentionInput.Memory"/>): queries from a decoder's T states,
/// keys and values from an encoder's Tk ≠ T states with padding — against a plain loop, fused against unfused,
/// finite differences through both sequences, padding invariance and the memory's projection cache.
/// </summary>
public class CrossAttentionTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    // B = 2, T = 3 decoder queries, Tk = 5 source keys; row 1's last two source tokens are padding.
    private static readonly byte[] KeyValid = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

    [Theory, MemberData(nameof(Backends))]
    public void Cross_attention_matches_a_plain_loop_over_the_unpadded_keys(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var att = new MultiHeadAttention(new ModuleInit(backend, 3, std: 0.3f), embeddingDim: 8, heads: 2, qkvBias: true);
        var x = Tensor.Randn(backend, 5, 1f, 2, 3, 8);      // (B, T, C)
        var memory = Tensor.Randn(backend, 6, 1f, 2, 5, 8); // (B, Tk, C)

        var y = att.Forward(AttentionInput.Cross(x, new AttentionMemory(memory, KeyValid))).ToArray();

        var expected = Reference(att, x.ToArray(), memory.ToArray(), b: 2, t: 3, tk: 5, c: 8, heads: 2);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5, $"y[{i}]: loop {expected[i]:G9}, layer {y[i]:G9}");
    }

    [Theory, MemberData(nameof(Backends))]
    public void Padded_source_tokens_do_not_change_the_output(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var att = new MultiHeadAttention(new ModuleInit(backend, 3, std: 0.3f), embeddingDim: 8, heads: 2, qkvBias: true);
        var x = Tensor.Randn(backend, 5, 1f, 2, 3, 8);
        var memory = Tensor.Randn(backend, 6, 1f, 2, 5, 8).ToArray();
        var before = att.Forward(AttentionInput.Cross(x, new AttentionMemory(Tensor.FromArray(backend, memory, 2, 5, 8), KeyValid))).ToArray();
        for (int j = 3; j < 5; j++)
            for (int ch = 0; ch < 8; ch++)
                memory[(5 + j) * 8 + ch] = 100f; // row 1's padding
        var after = att.Forward(AttentionInput.Cross(x, new AttentionMemory(Tensor.FromArray(backend, memory, 2, 5, 8), KeyValid))).ToArray();
        Assert.Equal(before, after);
    }

    [Theory, MemberData(nameof(Backends))]
    public void Fused_equals_unfused_forward_and_gradients_through_both_sequences(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var att = new MultiHeadAttention(new ModuleInit(backend, 11, std: 0.2f), embeddingDim: 16, heads: 2, qkvBias: true);
        var x = Tensor.Parameter(Tensor.Randn(backend, 3, 1f, 2, 7, 16));       // (B, T = 7, C)
        var memory = Tensor.Parameter(Tensor.Randn(backend, 4, 1f, 2, 37, 16)); // (B, Tk = 37, C): two key tiles
        byte[] valid = [.. Enumerable.Repeat((byte)1, 37), .. Enumerable.Range(0, 37).Select(j => (byte)(j < 30 ? 1 : 0))];

        (float[] Y, float[][] Grads) Run(bool fused)
        {
            att.FusedAttention = fused;
            att.ZeroGrad();
            x.ZeroGrad();
            memory.ZeroGrad();
            var y = att.Forward(AttentionInput.Cross(x, new AttentionMemory(memory, valid)));
            y.Backward(Tensor.Randn(backend, 9, 1f, y.Shape));
            return (y.ToArray(), [.. att.Parameters().Append(x).Append(memory).Select(p => (float[])p.Grad!.Clone())]);
        }

        var (fusedY, fusedGrads) = Run(true);
        var (plainY, plainGrads) = Run(false);
        Close(plainY, fusedY, "output");
        for (int i = 0; i < plainGrads.Length; i++) Close(plainGrads[i], fusedGrads[i], $"gradient {i}");
    }

    [Theory, MemberData(nameof(Backends))]
    public void Cross_attention_gradients_match_finite_differences(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var att = new MultiHeadAttention(new ModuleInit(backend, 11, std: 0.5f), embeddingDim: 8, heads: 2, qkvBias: true);
        var x = GradCheck.Param(backend, 3, 2, 3, 8);      // (B, T, C)
        var memory = GradCheck.Param(backend, 4, 2, 5, 8); // (B, Tk, C)

        GradCheck.Assert(xs => att.Forward(AttentionInput.Cross(xs[0], new AttentionMemory(xs[1], KeyValid))),
            x, memory, att.Query.Weight, att.Key.Weight, att.Value.Weight, att.Value.Bias!, att.OutProjection.Weight);
    }

    [Theory, MemberData(nameof(Backends))]
    public void A_caching_memory_projects_its_keys_and_values_once_per_layer(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var att = new MultiHeadAttention(new ModuleInit(backend, 3, std: 0.3f), embeddingDim: 8, heads: 2);
        var states = Tensor.Randn(backend, 6, 1f, 2, 5, 8);
        var cached = new AttentionMemory(states, KeyValid, cacheProjections: true);
        var plain = new AttentionMemory(states, KeyValid);
        var step1 = Tensor.Randn(backend, 5, 1f, 2, 1, 8);
        var step2 = Tensor.Randn(backend, 7, 1f, 2, 1, 8);

        using (GradMode.NoGrad())
        {
            Assert.Equal(att.Forward(AttentionInput.Cross(step1, plain)).ToArray(), att.Forward(AttentionInput.Cross(step1, cached)).ToArray());
            var first = cached.Project(att, _ => throw new InvalidOperationException("projected again"));
            Assert.Equal(att.Forward(AttentionInput.Cross(step2, plain)).ToArray(), att.Forward(AttentionInput.Cross(step2, cached)).ToArray());
            Assert.Same(first.Keys, cached.Project(att, _ => throw new InvalidOperationException("projected again")).Keys);
        }
        int calls = 0;
        plain.Project(att, s => { calls++; return (s, s); });
        plain.Project(att, s => { calls++; return (s, s); });
        Assert.Equal(2, calls); // without caching every call projects
    }

    [Fact]
    public void A_memory_whose_mask_does_not_cover_its_states_is_refused()
    {
        var states = Tensor.Zeros(TestBackends.Create("Managed"), 2, 5, 8);
        var error = Assert.Throws<ArgumentException>(() => new AttentionMemory(states, new byte[7]));
        Assert.Contains("7 entries", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The layer's math in doubles, one query at a time, skipping padded keys.</summary>
    private static double[] Reference(MultiHeadAttention att, float[] x, float[] m, int b, int t, int tk, int c, int heads)
    {
        double[] Project(Linear lin, float[] input, int rows)
        {
            var w = lin.Weight.ToArray(); // [out, in]
            var bias = lin.Bias?.ToArray();
            var y = new double[rows * c];
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < c; o++)
                {
                    double s = bias?[o] ?? 0;
                    for (int i = 0; i < c; i++) s += (double)w[o * c + i] * input[r * c + i];
                    y[r * c + o] = s;
                }
            return y;
        }
        var q = Project(att.Query, x, b * t);
        var k = Project(att.Key, m, b * tk);
        var v = Project(att.Value, m, b * tk);
        int hs = c / heads;
        var context = new float[b * t * c];
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[tk];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < tk; j++)
                    {
                        if (KeyValid[bi * tk + j] == 0) { scores[j] = double.NegativeInfinity; continue; }
                        double s = 0;
                        for (int d = 0; d < hs; d++) s += q[(bi * t + i) * c + h * hs + d] * k[(bi * tk + j) * c + h * hs + d];
                        scores[j] = s / Math.Sqrt(hs);
                        max = Math.Max(max, scores[j]);
                    }
                    double total = scores.Sum(s => Math.Exp(s - max));
                    for (int d = 0; d < hs; d++)
                    {
                        double o = 0;
                        for (int j = 0; j < tk; j++) o += Math.Exp(scores[j] - max) / total * v[(bi * tk + j) * c + h * hs + d];
                        context[(bi * t + i) * c + h * hs + d] = (float)o;
                    }
                }
        var y = Project(att.OutProjection, context, b * t);
        return y;
    }

    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, ToleranceScale.MaxAbs(expected, what));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5 * scale, $"{what}[{i}]: unfused {expected[i]:G9}, fused {actual[i]:G9}");
    }
}
