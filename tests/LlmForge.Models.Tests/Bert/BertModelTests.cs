using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Bert;

public class BertModelTests
{
    /// <summary>Padding is invisible: the padded row's real positions equal the same row run alone without padding.</summary>
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Padded_row_equals_the_row_alone(string backend)
    {
        foreach (var norm in new[] { LayerNormPosition.Post, LayerNormPosition.Pre })
        {
            var model = new BertModel(BertTestModels.Small with { NormPosition = norm }, TestBackends.Create(backend), BertHeads.MaskedLanguageModel, seed: 3);
            var input = BertTestModels.Input();
            var other = input with { InputIds = [.. input.InputIds] };
            other.InputIds[10] = 17; // a different token at a padded position
            var alone = new BertInput([2, 8, 9, 3], 1, 4);
            using var _ = GradMode.NoGrad();
            var padded = model.MaskedLMLogits(input).Data;
            var changed = model.MaskedLMLogits(other).Data;
            var single = model.MaskedLMLogits(alone).Data;
            int v = 20, row1 = 6 * v;
            for (int i = 0; i < 4 * v; i++)
            {
                Assert.Equal(padded[row1 + i], changed[row1 + i], 1e-6f); // MKL's GEMM is not bitwise reproducible
                Assert.Equal(single[i], padded[row1 + i], 5e-6f);
            }
        }
    }

    /// <summary>The loss over chosen positions equals cross-entropy over every position with ignore_index, gradients included.</summary>
    [Fact]
    public void MaskedLMLoss_equals_full_logits_cross_entropy_with_ignore_index()
    {
        int[] labels = [-100, 7, -100, -100, 11, -100, -100, 4, -100, 19, -100, -100];
        var a = BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel);
        var b = BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel);
        var lossA = a.MaskedLMLoss(BertTestModels.Input(), labels);
        var lossB = b.MaskedLMLogits(BertTestModels.Input()).CrossEntropy(labels);
        Assert.Equal(lossB.Item(), lossA.Item(), 6);
        lossA.Backward();
        lossB.Backward();
        foreach (var (name, p) in a.NamedParameters())
        {
            var q = b.GetParameter(name).Grad!;
            for (int i = 0; i < q.Length; i++) Assert.Equal(q[i], p.Grad![i], 5e-6f);
        }
    }

    /// <summary>A user's own attention kind is built for every block and handed the encoder's bidirectional padding mask.</summary>
    [Fact]
    public void Components_are_pluggable_and_attention_sees_the_padding_mask()
    {
        var seen = new List<AttentionMaskSpec>();
        var recording = new AttentionKind("recording", c => new RecordingAttention(c, seen));
        var components = BertComponents.For(BertTestModels.Small) with { Attention = recording };
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, components: components);
        Assert.Equal("attention recording, positions learned, normalization layernorm", model.Components.ToString());
        model.MaskedLMLogits(BertTestModels.Input());
        Assert.Equal(2, seen.Count); // one per block
        Assert.All(seen, m =>
        {
            Assert.False(m.Causal);
            Assert.Equal(new byte[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, m.KeyValid);
        });
    }

    private sealed class RecordingAttention(AttentionContext c, List<AttentionMaskSpec> seen) : MultiHeadAttention(c.Init, c.EmbeddingDim, c.Heads, c.QkvBias)
    {
        protected override AttentionMaskSpec MaskFor(AttentionInput input)
        {
            seen.Add(input.Mask);
            return input.Mask;
        }
    }

    [Fact]
    public void Dropout_is_on_in_training_and_off_in_eval()
    {
        var model = new BertModel(BertTestModels.Small with { HiddenDropRate = 0.5f }, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var first = model.MaskedLMLogits(BertTestModels.Input()).Data;
        var second = model.MaskedLMLogits(BertTestModels.Input()).Data;
        Assert.NotEqual(first, second);
        model.Eval();
        Assert.Equal(model.MaskedLMLogits(BertTestModels.Input()).Data, model.MaskedLMLogits(BertTestModels.Input()).Data);
    }

    [Fact]
    public void Init_zeroes_the_padding_row_and_ties_the_decoder()
    {
        var model = new BertModel(BertTestModels.Small with { PadTokenId = 1 }, BertTestModels.Backend, BertHeads.PreTraining, seed: 2);
        var emb = model.Embeddings.TokenEmbedding.Weight.Data;
        Assert.All(emb.AsSpan(8, 8).ToArray(), v => Assert.Equal(0f, v));
        Assert.NotEqual(0f, emb[0]);
        Assert.Same(model.Embeddings.TokenEmbedding.Weight, model.MlmHead!.DecoderWeight);
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name.Contains("decoder"));
    }

    [Theory]
    [InlineData(11, null, null, "exceeds max_position_embeddings 10")]
    [InlineData(4, new[] { 0, 0, 2, 0 }, null, "token_type_ids[0][2] = 2 is outside [0, 2)")]
    [InlineData(4, null, new[] { 0, 0, 0, 0 }, "attention_mask row 0 is all 0")]
    public void Bad_inputs_are_named(int seq, int[]? types, int[]? mask, string expected)
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel);
        var e = Assert.Throws<ArgumentException>(() => model.MaskedLMLogits(new BertInput(new int[seq], 1, seq, types, mask)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Heads_that_are_absent_say_so()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, new BertHeads(Pooler: true, MaskedLM: false));
        Assert.Contains("no masked-LM head", Assert.Throws<InvalidOperationException>(() => model.MaskedLMLogits(BertTestModels.Input())).Message);
        Assert.Contains("no classifier head", Assert.Throws<InvalidOperationException>(() => model.ClassifierLogits(BertTestModels.Input())).Message);
        Assert.Throws<ArgumentException>(() => new BertModel(BertTestModels.Small with { Labels = [] }, BertTestModels.Backend, BertHeads.SequenceClassification));
    }
}
