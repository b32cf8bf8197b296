using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>
/// <see cref="MultiHeadAttention"/>'s fused path (FlashAttention kernels) against its unfused one (MatMul → Softmax →
/// MatMul): same outputs and same parameter gradients to float rounding, for every mask and positional encoding.
/// </summary>
public class FusedAttentionTests
{
    /// <summary>
    /// Relative to the largest magnitude in the buffer: the two paths round differently (scale applied to q or to
    /// the scores, online vs two-pass softmax, tile vs GEMM sums), each a few float ulps per op, and a parameter
    /// gradient sums 74 rows of them.
    /// </summary>
    private const double Tolerance = 2e-5;

    public static TheoryData<string, string> LayerCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in TestBackends.Names)
            foreach (var variant in new[] { "causal", "rotary", "sliding-window", "rotary+sliding-window", "padding", "padding+causal" })
                data.Add(backend, variant);
        return data;
    }

    [Theory, MemberData(nameof(LayerCases))]
    public void Layer_fused_equals_unfused_forward_and_gradients(string backendName, string variant)
    {
        var backend = TestBackends.Create(backendName);
        var init = new ModuleInit(backend, 11, std: 0.2f);
        MultiHeadAttention att = variant.Contains("sliding-window")
            ? new SlidingWindowAttention(init, embeddingDim: 16, heads: 2, window: 3, qkvBias: true)
            : new MultiHeadAttention(init, embeddingDim: 16, heads: 2, qkvBias: true);
        IPositionalEncoding? positions = variant.StartsWith("rotary", StringComparison.Ordinal)
            ? new RotaryPositionalEncoding(init, contextLength: 64, headDim: 8, theta: 100) : null;
        byte[] keyValid = [.. Enumerable.Repeat((byte)1, 37), .. Enumerable.Range(0, 37).Select(j => (byte)(j < 30 ? 1 : 0))];
        var x = Tensor.Parameter(Tensor.Randn(backend, 3, 1f, 2, 37, 16)); // (B, T, C), T spans two key tiles
        AttentionInput Input() => variant switch
        {
            "padding" => AttentionInput.Bidirectional(x, keyValid),
            "padding+causal" => new AttentionInput(x, new AttentionMaskSpec { Causal = true, KeyValid = keyValid }),
            _ => AttentionInput.Causal(x, positions),
        };

        var (fusedOut, fusedGrads) = Run(att, true, Input, x);
        var (plainOut, plainGrads) = Run(att, false, Input, x);
        AssertClose(plainOut, fusedOut, "output");
        for (int i = 0; i < plainGrads.Length; i++) AssertClose(plainGrads[i], fusedGrads[i], $"gradient {i}");
    }

    [Theory]
    [InlineData(PositionEmbeddingType.Absolute, 0)]
    [InlineData(PositionEmbeddingType.Sinusoidal, 0)]
    [InlineData(PositionEmbeddingType.Rotary, 0)]
    [InlineData(PositionEmbeddingType.Rotary, 4)]
    public void Gpt_fused_equals_unfused_logits_and_gradients(PositionEmbeddingType positions, int window)
    {
        var config = new GptConfig
        {
            VocabSize = 29, ContextLength = 40, EmbeddingDim = 24, Layers = 2, Heads = 3, PositionEmbedding = positions,
            SlidingWindow = window > 0 ? window : null, EmbeddingDropRate = 0f, AttentionDropRate = 0f, ResidualDropRate = 0f, TieWeights = false,
        };
        var model = new GptModel(config, TestBackends.Create("Managed"), seed: 5);
        var ids = Enumerable.Range(0, 2 * 33).Select(i => i * 7 % 29).ToArray();
        var targets = ids.Select(i => (i + 1) % 29).ToArray();
        float[][] Step(bool fused, out float[] logits)
        {
            foreach (var (_, m) in model.NamedModules())
                if (m is MultiHeadAttention a) a.FusedAttention = fused;
            model.ZeroGrad();
            var (l, loss) = model.Forward(ids, targets, 2, 33);
            loss.Backward();
            logits = l.ToArray();
            return model.Parameters().Select(p => (float[])p.Grad!.Clone()).ToArray();
        }
        var fusedGrads = Step(true, out var fusedLogits);
        var plainGrads = Step(false, out var plainLogits);
        AssertClose(plainLogits, fusedLogits, "logits");
        for (int i = 0; i < plainGrads.Length; i++) AssertClose(plainGrads[i], fusedGrads[i], $"gradient {i}");
    }

    [Fact]
    public void Attention_dropout_in_training_takes_the_unfused_path_and_eval_the_fused_one()
    {
        var backend = TestBackends.Create("Managed");
        var att = new MultiHeadAttention(new ModuleInit(backend, 2, std: 0.3f), embeddingDim: 8, heads: 2, dropRate: 0.5f);
        var x = Tensor.Randn(backend, 5, 1f, 1, 6, 8);
        att.Eval();
        var fusedEval = att.Forward(x).ToArray();
        Assert.Equal(0, att.AttentionDropout.Calls);   // no dropout mask drawn: the fused kernel ran

        att.FusedAttention = false;
        Assert.Equal(att.Forward(x).ToArray(), fusedEval, (a, b) => Math.Abs(a - b) <= 1e-5f);
        att.FusedAttention = true;

        att.Train();
        var dropped = att.Forward(x).ToArray();
        Assert.Equal(1, att.AttentionDropout.Calls);   // training with p > 0: the unfused path with its dropout
        Assert.NotEqual(fusedEval, dropped);
    }

    private static (float[] Output, float[][] Grads) Run(MultiHeadAttention att, bool fused, Func<AttentionInput> input, Tensor x)
    {
        att.FusedAttention = fused;
        att.ZeroGrad();
        x.ZeroGrad();
        var y = att.Forward(input());
        y.Backward(Tensor.Randn(y.Backend, 9, 1f, y.Shape));
        var grads = att.Parameters().Append(x).Select(p => (float[])p.Grad!.Clone()).ToArray();
        return (y.ToArray(), grads);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, ToleranceScale.MaxAbs(expected, what)); // some gradients are exactly 0 in theory (the key bias)
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * scale,
                $"{what}[{i}]: unfused {expected[i]:G9}, fused {actual[i]:G9}");
    }
}
