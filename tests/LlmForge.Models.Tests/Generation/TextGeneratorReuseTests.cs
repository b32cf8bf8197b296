using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Gpt;
using Xunit;

namespace LlmForge.Tests.Generation;

/// <summary>
/// A generator keeps its decoding session (the KV caches' buffers) and its arenas from one Generate call to the
/// next: the tokens are those of a fresh generator, and a warm decoding step allocates next to nothing.
/// </summary>
public class TextGeneratorReuseTests
{
    private static GptModel Tiny(string backend, int vocab = 4096) => new(new GptConfig
    {
        VocabSize = vocab, ContextLength = 96, EmbeddingDim = 64, Heads = 4, Layers = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, QkvBias = true, TieWeights = true,
    }, TestBackends.Create(backend), seed: 3);

    private static int[] Prompt(int length, int seed, int vocab)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => rng.Next(vocab))];
    }

    [Theory]
    [InlineData("Managed")]
    [InlineData("Mkl")]
    public void A_reused_generator_gives_a_fresh_generators_tokens(string backend)
    {
        var model = Tiny(backend).AsLanguageModel();
        var reused = new TextGenerator(model, SamplingOptions.Greedy);
        // A long first run grows the caches past a block; the shorter prompts then reuse the grown buffers.
        int[][] prompts = [Prompt(20, 1, 4096), Prompt(3, 2, 4096), Prompt(70, 3, 4096), Prompt(5, 4, 4096)];
        int[] lengths = [70, 20, 10, 40];
        for (int i = 0; i < prompts.Length; i++)
        {
            int[] again = [.. reused.Generate(prompts[i], Math.Min(lengths[i], 96 - prompts[i].Length + 1))];
            int[] fresh = [.. new TextGenerator(model, SamplingOptions.Greedy).Generate(prompts[i], again.Length)];
            Assert.Equal(fresh, again);
        }
    }

    [Theory]
    [InlineData("Managed")]
    [InlineData("Mkl")]
    public void A_warm_decoding_step_allocates_a_few_small_objects_only(string backend)
    {
        const int vocab = 16384, newTokens = 40;
        var model = Tiny(backend, vocab).AsLanguageModel();
        var generator = new TextGenerator(model, SamplingOptions.Greedy);
        int[] prompt = Prompt(8, 5, vocab);
        foreach (int _ in generator.Generate(prompt, newTokens)) { } // warm-up: buffers, caches, JIT

        var perToken = new List<long>();
        long before = 0;
        int made = 0;
        using var tokens = generator.Generate(prompt, newTokens).GetEnumerator();
        while (true)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            if (!tokens.MoveNext()) break;
            if (made++ > 0) perToken.Add(GC.GetAllocatedBytesForCurrentThread() - before); // the first is the prefill
        }
        long median = perToken.Order().ElementAt(perToken.Count / 2);
        // Unpooled, one step would allocate its logits alone (16384 floats = 64 KB) and its activations besides.
        // Pooled buffers and tensor headers, graph-free ops and allocation-free kernels leave a few small objects per
        // layer (the attention's input record, a step's positions and scopes): about 6 KB while this test's code is
        // still unoptimised (tier 0), under 1 KB once the JIT has optimised it (a long-running generator).
        Assert.True(median < 10_000, $"a warm decoding step allocated {median} bytes (median of {perToken.Count})");
    }
}
