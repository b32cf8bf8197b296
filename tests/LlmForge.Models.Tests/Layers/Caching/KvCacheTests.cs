using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Components;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers.Caching;

public class KvCacheTests
{
    private static readonly ManagedBackend Backend = new();

    /// <summary>(B, nh = 2, T, hs = 3) keys whose every entry is 100·b + the token's position (values: its negation).</summary>
    private static (Tensor Keys, Tensor Values) Tokens(int batch, TokenPositions positions)
    {
        int t = positions.Length;
        var k = new float[batch * 2 * t * 3];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < 2; h++)
                for (int i = 0; i < t; i++)
                    for (int d = 0; d < 3; d++)
                        k[((b * 2 + h) * t + i) * 3 + d] = 100 * b + positions.At(b, i);
        return (Tensor.FromArray(Backend, k, batch, 2, t, 3), Tensor.FromArray(Backend, [.. k.Select(x => -x)], batch, 2, t, 3));
    }

    private static KvCacheView Append(KvCache cache, TokenPositions positions, AttentionMaskSpec mask)
    {
        var (k, v) = Tokens(positions.Batch, positions);
        using (GradMode.NoGrad()) return cache.Append(k, v, mask, positions);
    }

    /// <summary>The positions of row b's visible keys, read back from the view's keys (head 0, dim 0).</summary>
    private static int[] VisiblePositions(KvCacheView view, int b)
    {
        int slots = view.Keys.Shape[2];
        var visible = new List<int>();
        for (int j = 0; j < slots; j++)
            if (view.Mask.KeyValid![b * slots + j] != 0)
                visible.Add((int)view.Keys.Data[(b * 2 * slots + j) * 3] - 100 * b);
        visible.Sort();
        return [.. visible];
    }

    [Fact]
    public void A_ring_keeps_the_last_window_of_keys_in_constant_memory()
    {
        var cache = KvCache.Ring(window: 3);
        var window = AttentionMaskSpec.CausalMask(0, window: 3);
        var prefill = Append(cache, TokenPositions.Uniform(1, 2, 0), window);
        Assert.Same(window, prefill.Mask); // the prompt attends over itself under the attention's own mask
        Assert.Equal(2, prefill.Keys.Shape[2]);

        for (int p = 2; p < 12; p++)
        {
            var view = Append(cache, TokenPositions.Uniform(1, 1, p), window);
            Assert.Equal(3, cache.Capacity);
            Assert.Equal(3, view.Keys.Shape[2]); // every slot, the empty one hidden while the ring fills
            Assert.Equal([.. Enumerable.Range(Math.Max(0, p - 2), Math.Min(p + 1, 3))], VisiblePositions(view, 0));
            Assert.Equal(-view.Keys.Data[0], view.Values.Data[0]);
        }
        Assert.Equal(12, cache.Length);
    }

    [Fact]
    public void A_prompt_longer_than_the_ring_leaves_its_last_window()
    {
        var cache = KvCache.Ring(window: 2);
        var window = AttentionMaskSpec.CausalMask(0, window: 2);
        Append(cache, TokenPositions.Uniform(1, 5, 0), window);

        var view = Append(cache, TokenPositions.Uniform(1, 1, 5), window);
        Assert.Equal([4, 5], VisiblePositions(view, 0));
    }

    [Fact]
    public void A_growing_cache_grows_in_blocks_and_keeps_every_key_in_order()
    {
        var cache = KvCache.Growing(maxLength: 1000);
        var causal = AttentionMaskSpec.CausalMask();
        Append(cache, TokenPositions.Uniform(2, 3, 0), causal);
        Assert.Equal(KvCache.SlotBlock, cache.Capacity);

        KvCacheView view = null!;
        for (int p = 3; p < 70; p++)
        {
            var keys = view?.Keys;
            view = Append(cache, TokenPositions.Uniform(2, 1, p), causal);
            if (p != KvCache.SlotBlock) Assert.True(keys is null || ReferenceEquals(keys, view.Keys), "a step copies nothing");
        }
        int slots = 2 * KvCache.SlotBlock;
        Assert.Equal(slots, cache.Capacity);
        Assert.Equal([2, 2, slots, 3], view.Keys.Shape); // every slot; the 58 empty ones are hidden
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal([.. Enumerable.Range(0, 70)], VisiblePositions(view, b));
            for (int j = 0; j < 70; j++) Assert.Equal(100 * b + j, view.Keys.Data[(b * 2 * slots + j) * 3]); // slot order = position order
        }
    }

    [Fact]
    public void After_a_reset_the_buffers_serve_the_next_prompt_and_hold_none_of_the_last()
    {
        var cache = KvCache.Growing(maxLength: 1000);
        Append(cache, TokenPositions.Uniform(1, 3, 0), AttentionMaskSpec.CausalMask());
        for (int p = 3; p < 70; p++) Append(cache, TokenPositions.Uniform(1, 1, p), AttentionMaskSpec.CausalMask(p));
        var grown = Append(cache, TokenPositions.Uniform(1, 1, 70), AttentionMaskSpec.CausalMask(70)).Keys;

        cache.Reset();
        Assert.Equal(0, cache.Length);
        Append(cache, TokenPositions.Uniform(1, 2, 0), AttentionMaskSpec.CausalMask());
        var view = Append(cache, TokenPositions.Uniform(1, 1, 2), AttentionMaskSpec.CausalMask(2));
        Assert.Same(grown, view.Keys); // the same buffers, not a new allocation
        Assert.Equal([0, 1, 2], VisiblePositions(view, 0));
        int slots = view.Keys.Shape[2];
        for (int h = 0; h < 2; h++)
            for (int j = 3; j < slots; j++) // the last prompt's keys are gone from the slots not refilled
                Assert.Equal(0f, view.Keys.Data[(h * slots + j) * 3]);
    }

    [Fact]
    public void A_growing_cache_stops_at_its_bound()
    {
        var cache = KvCache.Growing(maxLength: 40);
        Append(cache, TokenPositions.Uniform(1, 3, 0), AttentionMaskSpec.CausalMask());
        Assert.Equal(40, cache.Capacity);
        for (int p = 3; p < 40; p++) Append(cache, TokenPositions.Uniform(1, 1, p), AttentionMaskSpec.CausalMask(p));
        Assert.Equal(40, cache.Capacity);
    }

    [Fact]
    public void Steps_see_each_rows_own_positions_and_never_the_prompts_padding()
    {
        // Right padding: row 0 is 1 real token + 2 pads, row 1 three real tokens; then both step on.
        var cache = KvCache.Growing(maxLength: 16);
        var prompt = new TokenPositions(2, 3, [0, 0, 0, 0, 1, 2], Valid: [1, 0, 0, 1, 1, 1]);
        Append(cache, prompt, AttentionMaskSpec.CausalMask() with { KeyValid = prompt.Valid });

        var step = Append(cache, new TokenPositions(2, 1, [1, 3]), AttentionMaskSpec.CausalMask(3));
        Assert.Equal([0, 1], VisiblePositions(step, 0));
        Assert.Equal([0, 1, 2, 3], VisiblePositions(step, 1));

        var windowed = Append(cache, new TokenPositions(2, 1, [2, 4]), AttentionMaskSpec.CausalMask(4, window: 2));
        Assert.Equal([1, 2], VisiblePositions(windowed, 0)); // the window counts positions, not slots
        Assert.Equal([3, 4], VisiblePositions(windowed, 1));
    }

    [Fact]
    public void A_ring_keeps_room_for_the_prompts_padding()
    {
        var cache = KvCache.Ring(window: 2);
        var prompt = new TokenPositions(2, 4, [0, 0, 0, 0, 0, 1, 2, 3], Valid: [0, 0, 0, 1, 1, 1, 1, 1]); // left padding
        Append(cache, prompt, AttentionMaskSpec.CausalMask(0, window: 2) with { KeyValid = prompt.Valid });
        Assert.Equal(2 + 3, cache.Capacity);

        for (int s = 0; s < 6; s++)
        {
            var view = Append(cache, new TokenPositions(2, 1, [1 + s, 4 + s]), AttentionMaskSpec.CausalMask(4 + s, window: 2));
            Assert.Equal([s, 1 + s], VisiblePositions(view, 0));
            Assert.Equal([3 + s, 4 + s], VisiblePositions(view, 1));
        }
    }

    [Fact]
    public void A_growing_cache_refuses_a_token_past_its_bound()
    {
        var cache = KvCache.Growing(maxLength: 3);
        Append(cache, TokenPositions.Uniform(1, 3, 0), AttentionMaskSpec.CausalMask());
        var e = Assert.Throws<InvalidOperationException>(() => Append(cache, TokenPositions.Uniform(1, 1, 3), AttentionMaskSpec.CausalMask(3)));
        Assert.Contains("all 3 slots (the context length) are used", e.Message);
    }

    [Fact]
    public void A_step_of_several_tokens_and_a_graph_are_refused()
    {
        var cache = KvCache.Growing(maxLength: 8);
        var (k, v) = Tokens(1, TokenPositions.Uniform(1, 2, 0));
        var e = Assert.Throws<InvalidOperationException>(() => cache.Append(k, v, AttentionMaskSpec.CausalMask(), TokenPositions.Uniform(1, 2, 0)));
        Assert.Contains("GradMode.NoGrad", e.Message);

        Append(cache, TokenPositions.Uniform(1, 2, 0), AttentionMaskSpec.CausalMask());
        Assert.Throws<NotSupportedException>(() => Append(cache, TokenPositions.Uniform(1, 2, 2), AttentionMaskSpec.CausalMask(2)));
    }

    [Fact]
    public void A_ring_serves_only_a_window_it_can_hold()
    {
        var e = Assert.Throws<ArgumentException>(() => Append(KvCache.Ring(2), TokenPositions.Uniform(1, 2, 0), AttentionMaskSpec.CausalMask()));
        Assert.Contains("ring buffer of window 2", e.Message);
    }
}
