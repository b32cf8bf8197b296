using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Xunit;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// GPT honours Hugging Face's 2-D attention_mask (issue 15, item 6): padding keys are hidden on top of the causal
/// mask, positions stay 0 … T − 1; a wrong length or value is an error naming attention_mask.
/// </summary>
public class GptAttentionMaskTests
{
    private const int Vocab = 23, T = 6;

    private static GptModel Model(string backend)
    {
        var config = new GptConfig
        {
            VocabSize = Vocab, ContextLength = 8, EmbeddingDim = 16, Layers = 2, Heads = 2,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        };
        var model = new GptModel(config, TestBackends.Create(backend), seed: 11);
        model.Eval();
        return model;
    }

    private static float[] Logits(GptModel model, int[] ids, int batch, int seq, int[]? mask = null)
    {
        using (GradMode.NoGrad())
        {
            var logits = mask is null ? model.Forward(ids, batch, seq) : model.Forward(ids, batch, seq, mask);
            return logits.Data.AsSpan(0, checked((int)logits.Length)).ToArray();
        }
    }

    // Logits of row b, positions [from, to), out of [batch, seq, vocab].
    private static float[] Slice(float[] logits, int seq, int b, int from, int to) =>
        logits.AsSpan((b * seq + from) * Vocab, (to - from) * Vocab).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"[{i}] {actual[i]} vs {expected[i]}"); // NaN fails
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Padded_batch_rows_match_the_unmasked_model_where_they_should(string backend)
    {
        var model = Model(backend);
        int[] full = [3, 9, 1, 14, 7, 2];          // no padding
        int[] right = [5, 8, 13, 4, 0, 0];         // right-padded: 4 tokens
        int[] left = [0, 0, 12, 6, 19, 10];        // left-padded: 4 tokens
        int[] ids = [.. full, .. right, .. left];
        int[] mask = [1, 1, 1, 1, 1, 1, /**/ 1, 1, 1, 1, 0, 0, /**/ 0, 0, 1, 1, 1, 1];
        var masked = Logits(model, ids, 3, T, mask);

        AssertClose(Logits(model, full, 1, T), Slice(masked, T, 0, 0, T));                     // the unpadded row: the same
        AssertClose(Logits(model, right[..4], 1, 4), Slice(masked, T, 1, 0, 4));               // right padding: before it, the unpadded run
        // Left padding: the tokens keep positions 2..5 (no position_ids, as in transformers), and see only each other:
        // the same as a row whose padding holds any other ids.
        int[] otherPadding = [.. full, .. right, 21, 17, .. left[2..]];
        AssertClose(Slice(masked, T, 2, 2, T), Slice(Logits(model, otherPadding, 3, T, mask), T, 2, 2, T));
        Assert.All(masked, v => Assert.True(float.IsFinite(v))); // a query that sees no key (left padding) is 0, not NaN
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void A_masked_key_changes_nothing_for_the_visible_positions(string backend)
    {
        var model = Model(backend);
        int[] mask = [1, 1, 0, 1, 1, 1];
        var a = Logits(model, [3, 9, 1, 14, 7, 2], 1, T, mask);
        var b = Logits(model, [3, 9, 20, 14, 7, 2], 1, T, mask); // only the hidden key differs
        foreach (int p in new[] { 0, 1, 3, 4, 5 })
            AssertClose(Slice(a, T, 0, p, p + 1), Slice(b, T, 0, p, p + 1));

        var unmasked = Logits(model, [3, 9, 1, 14, 7, 2], 1, T);
        var unmaskedOther = Logits(model, [3, 9, 20, 14, 7, 2], 1, T);
        Assert.NotEqual(Slice(unmasked, T, 0, 3, 4), Slice(unmaskedOther, T, 0, 3, 4)); // without the mask it does: the test can fail
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void An_all_ones_mask_is_no_mask(string backend)
    {
        var model = Model(backend);
        int[] ids = [3, 9, 1, 14, 7, 2, 5, 8, 13, 4, 11, 22];
        Assert.Equal(Logits(model, ids, 2, T), Logits(model, ids, 2, T, Enumerable.Repeat(1, 12).ToArray()));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1 }, "attention_mask has 5 values; it must be [batch, seq] = [1, 6] (6 values)")]
    [InlineData(new[] { 1, 1, 2, 1, 1, 1 }, "attention_mask[0][2] = 2: values must be 1 (token) or 0 (padding)")]
    [InlineData(new[] { 1, -1, 1, 1, 1, 1 }, "attention_mask[0][1] = -1")]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0 }, "attention_mask row 0 is all 0")]
    public void A_wrong_mask_is_an_error_naming_attention_mask(int[] mask, string expected)
    {
        var model = Model("Managed");
        var e = Assert.Throws<ArgumentException>(() => model.Forward([3, 9, 1, 14, 7, 2], 1, T, mask));
        Assert.Contains(expected, e.Message);
    }
}
