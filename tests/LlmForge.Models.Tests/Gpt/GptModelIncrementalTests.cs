using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Gpt;

/// <summary>GptModel.ForwardIncremental (KV cache) against full forwards without a cache.</summary>
public class GptModelIncrementalTests
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string, string, bool> EveryBackendFixtureAndPadding
    {
        get
        {
            var cases = new TheoryData<string, string, bool>();
            foreach (var (backend, fixture) in GptFixture.EveryBackendAndFixture.Select(row => ((string)row[0], (string)row[1])))
                foreach (bool left in new[] { true, false })
                    cases.Add(backend, fixture, left);
            return cases;
        }
    }

    [Theory, MemberData(nameof(GptFixture.EveryBackendAndFixture), MemberType = typeof(GptFixture))]
    public void Prefill_and_each_step_give_the_logits_of_the_full_forward(string backend, string fixture)
    {
        var model = Load(fixture, backend);
        int[] ids = RandomIds(1, model.Config.ContextLength, model.Config.VocabSize); // fills the context (16)
        var full = Forward(model, ids, 1, ids.Length);
        var cache = model.CreateKvCache();

        var prompt = model.ForwardIncremental(ids[..5], 1, 5, cache); // (1, 5, vocab)
        Assert.Equal([1, 5, model.Config.VocabSize], prompt.Shape);
        for (int t = 0; t < 5; t++)
            Assert.InRange(MaxDifference(Row(prompt, 0, t), Row(full, 0, t)), 0, Tolerance);
        for (int t = 5; t < ids.Length; t++)
        {
            var step = model.ForwardIncremental([ids[t]], 1, 1, cache); // (1, 1, vocab)
            Assert.InRange(MaxDifference(Row(step, 0, 0), Row(full, 0, t)), 0, Tolerance);
        }
        Assert.Equal(ids.Length, cache.Length);
        Assert.Equal([ids.Length], cache.NextPositions);
    }

    [Theory, MemberData(nameof(EveryBackendFixtureAndPadding))]
    public void A_padded_batch_gives_each_prompt_the_logits_it_has_alone(string backend, string fixture, bool leftPadding)
    {
        var model = Load(fixture, backend);
        int vocab = model.Config.VocabSize;
        int[][] prompts = [RandomIds(2, 3, vocab), RandomIds(3, 7, vocab), RandomIds(4, 5, vocab)];
        int[][] steps = [RandomIds(5, 4, vocab), RandomIds(6, 4, vocab), RandomIds(7, 4, vocab)];
        int batch = prompts.Length, longest = prompts.Max(p => p.Length);
        var ids = new int[batch * longest];
        var mask = new int[batch * longest];
        for (int b = 0; b < batch; b++)
        {
            int offset = b * longest + (leftPadding ? longest - prompts[b].Length : 0);
            prompts[b].CopyTo(ids, offset);
            Array.Fill(mask, 1, offset, prompts[b].Length);
            Array.Fill(ids, 59, b * longest + (leftPadding ? 0 : prompts[b].Length), longest - prompts[b].Length); // padding ids vary
        }

        var cache = model.CreateKvCache(batch);
        var batched = new List<float[]>[batch];
        for (int b = 0; b < batch; b++) batched[b] = [];
        var last = model.ForwardIncremental(ids, batch, longest, cache, mask, lastTokenOnly: true); // (B, 1, vocab)
        for (int b = 0; b < batch; b++) batched[b].Add(Row(last, b, 0));
        for (int s = 0; s < steps[0].Length; s++)
        {
            var step = model.ForwardIncremental([.. steps.Select(row => row[s])], batch, 1, cache);
            for (int b = 0; b < batch; b++) batched[b].Add(Row(step, b, 0));
        }

        for (int b = 0; b < batch; b++)
        {
            int[] alone = [.. prompts[b], .. steps[b]];
            var full = Forward(model, alone, 1, alone.Length);
            for (int s = 0; s <= steps[b].Length; s++)
                Assert.InRange(MaxDifference(batched[b][s], Row(full, 0, prompts[b].Length - 1 + s)), 0, Tolerance);
            Assert.Equal(alone.Length, cache.NextPositions[b]);
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Rotary_with_a_sliding_window_decodes_past_the_context_in_a_ring_buffer(string backend)
    {
        var model = Load("gpt-rope-sliding-window", backend); // context 16, window 4, 2 layers
        int window = model.Config.SlidingWindow!.Value, context = model.Config.ContextLength;
        int[] ids = RandomIds(8, 3 * context, model.Config.VocabSize);
        var whole = Forward(WithContext(model, ids.Length), ids, 1, ids.Length); // the uncropped sequence, no cache
        var cache = model.CreateKvCache();
        Assert.True(cache.ContinuesPastContext);

        model.ForwardIncremental(ids[..6], 1, 6, cache);
        for (int t = 6; t < ids.Length; t++)
        {
            var step = model.ForwardIncremental([ids[t]], 1, 1, cache);
            Assert.InRange(MaxDifference(Row(step, 0, 0), Row(whole, 0, t)), 0, Tolerance);
            Assert.All(cache.Layers, layer => Assert.Equal(window, layer.Capacity)); // constant memory
            if (t >= context)
            {
                // Two layers of window 4 reach 2·3 + 1 tokens back: a forward of the original model over the last
                // context tokens (positions from 0, rotary being relative) gives the same last logits.
                var cropped = Forward(model, ids[(t + 1 - context)..(t + 1)], 1, context);
                Assert.InRange(MaxDifference(Row(step, 0, 0), Row(cropped, 0, context - 1)), 0, Tolerance);
            }
        }
        Assert.Equal(ids.Length, cache.Length);
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("gpt-sinusoidal")]
    [InlineData("gpt-rope")]
    public void Absolute_positions_or_full_attention_stop_at_the_context_length(string fixture)
    {
        var model = Load(fixture, "Managed");
        int context = model.Config.ContextLength;
        int[] ids = RandomIds(9, context, model.Config.VocabSize);
        var cache = model.CreateKvCache();
        Assert.False(cache.ContinuesPastContext);
        model.ForwardIncremental(ids[..^1], 1, context - 1, cache);
        model.ForwardIncremental([ids[^1]], 1, 1, cache);
        Assert.Equal(0, cache.Remaining);

        var e = Assert.Throws<ArgumentException>(() => model.ForwardIncremental([ids[0]], 1, 1, cache));
        Assert.Contains($"the cache holds {context} of {context} positions", e.Message);
        Assert.Contains("crop the context", e.Message);
    }

    [Fact]
    public void After_the_prefill_a_step_takes_one_token_per_row()
    {
        var model = Load("gpt2-tiny", "Managed");
        var cache = model.CreateKvCache(batch: 2);
        model.ForwardIncremental([1, 2, 3, 4], 2, 2, cache);

        var e = Assert.Throws<ArgumentException>(() => model.ForwardIncremental([1, 2, 3, 4], 2, 2, cache));
        Assert.Contains("after the prefill each step takes one token per row, got 2", e.Message);
        Assert.Throws<ArgumentException>(() => model.ForwardIncremental([1, 2], 2, 1, cache, attentionMask: [1, 0]));
    }

    [Theory]
    [InlineData(new[] { 1, 0, 1, 1, 1, 1 }, "row 0 of attentionMask has 2 runs")]
    [InlineData(new[] { 0, 0, 0, 1, 1, 1 }, "row 0 of attentionMask has 0 runs")]
    public void A_mask_with_holes_or_an_empty_row_is_rejected(int[] mask, string message)
    {
        var model = Load("gpt2-tiny", "Managed");
        var e = Assert.Throws<ArgumentException>(() => model.ForwardIncremental([1, 2, 3, 4, 5, 6], 2, 3, model.CreateKvCache(2), mask));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Reset_starts_a_new_prompt()
    {
        var model = Load("gpt-rope", "Managed");
        int[] ids = RandomIds(10, 6, model.Config.VocabSize);
        var cache = model.CreateKvCache();
        model.ForwardIncremental(RandomIds(11, 9, model.Config.VocabSize), 1, 9, cache);
        cache.Reset();
        Assert.Equal(0, cache.Length);

        var again = model.ForwardIncremental(ids, 1, ids.Length, cache);
        var full = Forward(model, ids, 1, ids.Length);
        Assert.InRange(MaxDifference(again.Data, full.Data), 0, Tolerance);
    }
}
