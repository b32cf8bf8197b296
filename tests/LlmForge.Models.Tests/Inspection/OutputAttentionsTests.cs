using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Inspection;
using LlmForge.Layers;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Inspection;

/// <summary>
/// Attention weights and hidden states on demand (<see cref="ForwardOutputs"/>): the probabilities each layer returns
/// are softmax(q·kᵀ/√hs + mask) recomputed here in double from the layer's own q and k, rows sum to 1, hidden keys are
/// exactly 0, the hidden states chain block to block, and asking for them leaves the model's output as it was.
/// </summary>
public class OutputAttentionsTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> GptCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in TestBackends.Names)
            foreach (var variant in new[] { "absolute", "rotary", "sliding-window", "rotary+sliding-window", "padding" })
                data.Add(backend, variant);
        return data;
    }

    [Theory, MemberData(nameof(GptCases))]
    public void Gpt_attentions_are_the_softmax_of_the_layers_own_scores(string backendName, string variant)
    {
        var config = new GptConfig
        {
            VocabSize = 23, ContextLength = 16, EmbeddingDim = 16, Layers = 2, Heads = 2, InitializerRange = 0.3f,
            PositionEmbedding = variant.StartsWith("rotary", StringComparison.Ordinal) ? PositionEmbeddingType.Rotary : PositionEmbeddingType.Absolute,
            SlidingWindow = variant.Contains("sliding-window") ? 3 : null,
        };
        var model = new GptModel(config, TestBackends.Create(backendName), seed: 4);
        model.Eval();
        const int b = 2, t = 9;
        int[] ids = [.. Enumerable.Range(0, b * t).Select(i => (i * 7 + 3) % config.VocabSize)];
        int[]? attentionMask = variant == "padding" ? [.. Enumerable.Range(0, b * t).Select(i => i >= t && i % t >= 6 ? 0 : 1)] : null;

        var plain = model.Forward(ids, b, t, attentionMask);
        var result = model.Forward(ids, b, t, ForwardOutputs.Attentions | ForwardOutputs.HiddenStates, attentionMask);

        AssertClose(plain.ToArray(), result.Output.ToArray(), 1e-6, "logits with outputs asked vs without");
        Assert.Equal(config.Layers, result.Attentions!.Count);
        Assert.Equal(config.Layers + 1, result.HiddenStates!.Count);
        var mask = new AttentionMaskSpec
        {
            Causal = true, Window = config.SlidingWindow ?? 0,
            KeyValid = attentionMask is null ? null : Array.ConvertAll(attentionMask, m => (byte)m),
        };
        for (int layer = 0; layer < config.Layers; layer++)
        {
            var block = model.Blocks[layer];
            var att = (MultiHeadAttention)block.Attention;
            var normed = block.Norm1.Forward(result.HiddenStates[layer]); // the attention's input: the block's input, normalized
            var q = model.Positions.EncodeQueryKey(Heads(att.Query.Forward(normed), b, t, config.Heads), 0);
            var k = model.Positions.EncodeQueryKey(Heads(att.Key.Forward(normed), b, t, config.Heads), 0);
            var weights = result.Attentions[layer];
            Assert.Equal(new[] { b, config.Heads, t, t }, weights.Shape);
            AssertSoftmax(Reference(q, k, mask), weights, $"layer {layer}");

            // The hidden states are the blocks' outputs: block l maps state l to state l + 1.
            AssertClose(block.Forward(result.HiddenStates[layer], model.Positions, StripWindow(mask)).ToArray(),
                result.HiddenStates[layer + 1].ToArray(), 1e-5, $"hidden state {layer + 1}");
        }
        AssertClose(plain.ToArray(), model.OutHead.Forward(model.FinalNorm.Forward(result.HiddenStates[^1])).ToArray(), 1e-5,
            "logits from the last hidden state");
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Bert_attentions_hide_padding_keys_and_leave_the_encoding_unchanged(string backendName)
    {
        var model = new BertModel(BertTestModels.Small with { InitializerRange = 0.3f }, TestBackends.Create(backendName), BertHeads.MaskedLanguageModel, seed: 2);
        model.Eval();
        var input = BertTestModels.Input();
        var plain = model.Encode(input);
        var result = model.Encode(input, ForwardOutputs.Attentions | ForwardOutputs.HiddenStates);

        AssertClose(plain.ToArray(), result.Output.ToArray(), 1e-6, "encoding with outputs asked vs without");
        Assert.Equal(3, result.HiddenStates!.Count);
        var mask = AttentionMaskSpec.Padding(Array.ConvertAll(input.AttentionMask!, m => (byte)m));
        for (int layer = 0; layer < model.Blocks.Count; layer++)
        {
            var att = (MultiHeadAttention)model.Blocks[layer].Attention;
            var x = result.HiddenStates[layer]; // post-LN BERT: the attention reads the block's input as is
            var q = Heads(att.Query.Forward(x), input.Batch, input.SequenceLength, att.Heads);
            var k = Heads(att.Key.Forward(x), input.Batch, input.SequenceLength, att.Heads);
            AssertSoftmax(Reference(q, k, mask), result.Attentions![layer], $"layer {layer}");
        }
        AssertClose(plain.ToArray(), result.HiddenStates[^1].ToArray(), 0, "last hidden state = the encoding (post-LN: no final norm)");
    }

    [Fact]
    public void Hidden_state_statistics_are_those_of_the_values()
    {
        var config = new GptConfig { VocabSize = 11, ContextLength = 8, EmbeddingDim = 8, Layers = 3, Heads = 2 };
        var model = new GptModel(config, TestBackends.Create("Managed"), seed: 1);
        model.Eval();
        var result = model.Forward([1, 2, 3, 4, 5], 1, 5, ForwardOutputs.HiddenStates);
        var stats = result.HiddenStateStatistics();
        Assert.Equal(4, stats.Count);
        for (int i = 0; i < stats.Count; i++)
        {
            var v = result.HiddenStates![i].ToArray().Select(x => (double)x).ToArray();
            double mean = v.Average(), std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
            Assert.Equal(40, stats[i].Count);
            Assert.True(Math.Abs(stats[i].Mean - mean) <= 1e-9 && Math.Abs(stats[i].Std - std) <= 1e-9, $"layer {i}: {stats[i]} vs mean {mean}, std {std}");
            Assert.Equal(v.Min(), stats[i].Min);
            Assert.Equal(v.Max(), stats[i].Max);
        }
        Assert.Throws<InvalidOperationException>(() => model.Forward([1, 2], 1, 2, ForwardOutputs.Attentions).HiddenStateStatistics());
        var nan = TensorStatistics.Of([1f, float.NaN, 3f]);
        Assert.True(double.IsNaN(nan.Mean) && double.IsNaN(nan.Std) && nan.NonFinite == 1);
    }

    [Fact]
    public void An_attention_that_cannot_report_its_weights_is_named()
    {
        var config = new GptConfig { VocabSize = 11, ContextLength = 8, EmbeddingDim = 8, Layers = 1, Heads = 2 };
        var components = GptComponents.For(config) with
        {
            Attention = new AttentionKind("silent", context => new SilentAttention(context)),
        };
        var model = new GptModel(config, TestBackends.Create("Managed"), components: components);
        var e = Assert.Throws<NotSupportedException>(() => model.Forward([1, 2, 3], 1, 3, ForwardOutputs.Attentions));
        Assert.Contains("layer 0", e.Message);
        Assert.Equal(3, model.Forward([1, 2, 3], 1, 3, ForwardOutputs.HiddenStates).HiddenStates![1].Shape[1]);
    }

    /// <summary>An attention that ignores <see cref="AttentionInput.ReportWeights"/>, as a user's own kind may.</summary>
    private sealed class SilentAttention : Module, IAttention
    {
        private readonly MultiHeadAttention inner;

        public SilentAttention(AttentionContext context) =>
            inner = RegisterModule("inner", new MultiHeadAttention(context.Init, context.EmbeddingDim, context.Heads));

        public Tensor Forward(AttentionInput input) => inner.Forward(input with { ReportWeights = null });
    }

    /// <summary>The block's mask is the causal one (the window is the attention's own).</summary>
    private static AttentionMaskSpec StripWindow(AttentionMaskSpec mask) => mask with { Window = 0 };

    /// <summary>(B, T, C) → (B, nh, T, hs).</summary>
    private static Tensor Heads(Tensor x, int b, int t, int heads) => x.Reshape(b, t, heads, x.Shape[2] / heads).Permute(0, 2, 1, 3);

    /// <summary>softmax(q·kᵀ/√hs) with hidden keys at −∞, in double: (B, nh, T, T) row-major.</summary>
    private static double[] Reference(Tensor q, Tensor k, AttentionMaskSpec mask)
    {
        int b = q.Shape[0], h = q.Shape[1], t = q.Shape[2], hs = q.Shape[3];
        float[] qv = q.ToArray(), kv = k.ToArray();
        var p = new double[b * h * t * t];
        for (int n = 0; n < b; n++)
            for (int head = 0; head < h; head++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[t];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < t; j++)
                    {
                        bool hidden = (mask.Causal && j > i) || (mask.Window > 0 && j <= i - mask.Window)
                                      || (mask.KeyValid is { } valid && valid[n * t + j] == 0);
                        if (hidden) { scores[j] = double.NegativeInfinity; continue; }
                        double dot = 0;
                        for (int d = 0; d < hs; d++)
                            dot += (double)qv[((n * h + head) * t + i) * hs + d] * kv[((n * h + head) * t + j) * hs + d];
                        scores[j] = dot / Math.Sqrt(hs);
                        max = Math.Max(max, scores[j]);
                    }
                    double sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j < t; j++) p[((n * h + head) * t + i) * t + j] = Math.Exp(scores[j] - max) / sum;
                }
        return p;
    }

    /// <summary>The weights equal the reference, each row sums to 1, and hidden keys are exactly 0.</summary>
    private static void AssertSoftmax(double[] expected, Tensor weights, string what)
    {
        float[] actual = weights.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(actual[i] - expected[i]) <= Tolerance)) Assert.Fail($"{what}: weight {i} is {actual[i]}, expected {expected[i]}");
            if (expected[i] == 0 && actual[i] != 0) Assert.Fail($"{what}: hidden key at {i} has weight {actual[i]}");
        }
        int t = weights.Shape[^1];
        for (int row = 0; row < actual.Length / t; row++)
        {
            double sum = 0;
            for (int j = 0; j < t; j++) sum += actual[row * t + j];
            if (!(Math.Abs(sum - 1) <= Tolerance)) Assert.Fail($"{what}: row {row} sums to {sum}");
        }
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]}");
    }
}
