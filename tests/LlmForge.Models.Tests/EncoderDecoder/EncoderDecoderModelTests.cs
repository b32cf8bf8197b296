using LlmForge.Autograd;
using LlmForge.EncoderDecoder;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>The model's wiring: where the source reaches the decoder, what padding and causality hide, gradients.</summary>
public class EncoderDecoderModelTests
{
    private static EncoderDecoderConfig Small(LayerNormPosition position) => new()
    {
        VocabSize = 25, ModelDim = 8, EncoderLayers = 2, DecoderLayers = 2, EncoderHeads = 2, DecoderHeads = 2,
        EncoderFfnDim = 12, DecoderFfnDim = 12, MaxPositions = 16, PadTokenId = 24, DecoderStartTokenId = 24,
        NormPosition = position, DropRate = 0, InitStd = 0.3f,
    };

    [Theory]
    [InlineData(LayerNormPosition.Post)]
    [InlineData(LayerNormPosition.Pre)]
    public void Padding_in_the_source_and_later_target_tokens_do_not_change_the_logits(LayerNormPosition position)
    {
        var model = new EncoderDecoderModel(Small(position), TestBackends.Create("Managed"), seed: 3);
        model.Eval();
        float[] Logits(int[] source, int[] target)
        {
            using var noGrad = GradMode.NoGrad();
            return model.Forward(new Seq2SeqInput(source, 1, 5, target, 4, [1, 1, 1, 0, 0])).ToArray();
        }
        var a = Logits([3, 4, 5, 24, 24], [24, 7, 8, 9]);
        var b = Logits([3, 4, 5, 11, 12], [24, 7, 8, 13]); // other padding tokens, another last target token
        Assert.Equal(a.AsSpan(0, 3 * 25).ToArray(), b.AsSpan(0, 3 * 25).ToArray()); // the first three target positions
        var c = Logits([3, 4, 6, 24, 24], [24, 7, 8, 9]);  // another real source token changes every position
        Assert.NotEqual(a.AsSpan(0, 25).ToArray(), c.AsSpan(0, 25).ToArray());
    }

    [Fact]
    public void A_training_step_reaches_every_parameter()
    {
        var model = new EncoderDecoderModel(Small(LayerNormPosition.Post), TestBackends.Create("Managed"), seed: 3);
        var logits = model.Forward(new Seq2SeqInput([3, 4, 5, 6, 7, 24], 2, 3, [24, 7, 8, 24, 9, 10], 3, [1, 1, 1, 1, 1, 0]));
        logits.Reshape(6, 25).CrossEntropy([7, 8, 1, 9, 10, 2]).Backward();
        foreach (var (name, parameter) in model.NamedParameters())
            Assert.True(parameter.Grad is { } g && g.Any(v => v != 0), $"{name} got no gradient");
    }

    [Fact]
    public void The_model_names_its_parameters_by_block()
    {
        var model = new EncoderDecoderModel(Small(LayerNormPosition.Post), TestBackends.Create("Managed"));
        var names = model.NamedParameters().Select(p => p.Name).ToHashSet();
        Assert.Contains("shared.weight", names);
        Assert.Contains("encoder.1.self_att.W_query.weight", names);
        Assert.Contains("decoder.0.cross_att.W_value.bias", names);
        Assert.Contains("decoder.1.norm3.scale", names);
        Assert.Contains("final_logits_bias", names);
        Assert.DoesNotContain("encoder_norm.scale", names); // post-LN has no final norms
    }

    [Fact]
    public void The_cross_attention_weights_are_a_source_by_target_alignment_that_ignores_padding()
    {
        var model = new EncoderDecoderModel(Small(LayerNormPosition.Post), TestBackends.Create("Managed"), seed: 3);
        model.Eval();
        var weights = new Dictionary<int, float[]>();
        float[] logits;
        using (GradMode.NoGrad())
        {
            var memory = model.Encode([3, 4, 5, 24, 24, 6, 7, 8, 9, 10], 2, 5, [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
            logits = model.Decode([24, 7, 8, 24, 9, 10], 2, 3, memory, reportCross: (layer, w) =>
            {
                Assert.Equal([2, 2, 3, 5], w.Shape); // (B, nh, T, S)
                weights[layer] = w.ToArray();
            }).ToArray();
        }
        Assert.Equal([0, 1], weights.Keys.Order());
        foreach (var w in weights.Values)
            for (int row = 0; row < 2 * 2 * 3; row++)
            {
                var p = w.AsSpan(row * 5, 5);
                double sum = 0;
                foreach (float x in p) sum += x;
                Assert.True(Math.Abs(sum - 1) <= 1e-5, $"row {row} sums to {sum}");
                if (row < 2 * 3) Assert.True(p[3] == 0 && p[4] == 0, $"row {row} of item 0 attends to padding"); // item 0's last two are padding
            }
        using (GradMode.NoGrad()) // asking for the weights does not change the output
            Assert.Equal(logits, model.Forward(new Seq2SeqInput([3, 4, 5, 24, 24, 6, 7, 8, 9, 10], 2, 5, [24, 7, 8, 24, 9, 10], 3,
                [1, 1, 1, 0, 0, 1, 1, 1, 1, 1])).ToArray());
    }
}
