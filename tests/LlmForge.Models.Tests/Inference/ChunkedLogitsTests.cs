using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Inference;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Inference;

/// <summary>
/// Logits computed a chunk of rows at a time are those of the whole batch, byte for byte (issue 15, item 10), so
/// `forward` can stream them to the .npy file with one chunk's memory.
/// </summary>
public class ChunkedLogitsTests
{
    private static float[] Collect(Action<Action<ReadOnlySpan<float>>> run)
    {
        var all = new List<float>();
        run(chunk => all.AddRange(chunk.ToArray()));
        return [.. all];
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Gpt_chunks_equal_the_whole_batch_byte_for_byte(string backend)
    {
        var config = new GptConfig
        {
            VocabSize = 31, ContextLength = 8, EmbeddingDim = 16, Layers = 2, Heads = 2,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        };
        var model = new GptModel(config, TestBackends.Create(backend), seed: 3);
        model.Eval();
        const int batch = 7, seq = 5;
        var random = new Random(1);
        int[] ids = [.. Enumerable.Range(0, batch * seq).Select(_ => random.Next(31))];
        int[] mask = [.. Enumerable.Range(0, batch * seq).Select(i => i % seq < 4 || i / seq % 2 == 0 ? 1 : 0)];

        foreach (int[]? m in new[] { null, mask })
        {
            float[] whole;
            using (GradMode.NoGrad())
            {
                var logits = model.Forward(ids, batch, seq, m);
                whole = logits.Data.AsSpan(0, checked((int)logits.Length)).ToArray();
            }
            foreach (int rows in new[] { 1, 2, 3, 7, 100 })
                AssertSame(backend, whole, Collect(write => ChunkedLogits.Gpt(model, ids, batch, seq, m, write, rowsPerChunk: rows)));
            AssertSame(backend, whole, Collect(write => ChunkedLogits.Gpt(model, ids, batch, seq, m, write)));
        }
    }

    /// <summary>
    /// Managed kernels compute a row the same way whatever the number of rows: byte for byte. MKL's sgemm picks its
    /// blocking by matrix size, so a chunk's rows may sum in another order: equal to float rounding there.
    /// </summary>
    private static void AssertSame(string backend, float[] expected, float[] actual)
    {
        if (backend == "Managed")
        {
            Assert.Equal(expected, actual);
            return;
        }
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"[{i}] {actual[i]} vs {expected[i]}"); // NaN fails
    }

    [Fact]
    public void Bert_chunks_equal_the_whole_batch_byte_for_byte()
    {
        var model = BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel);
        model.Eval();
        var two = BertTestModels.Input();
        var input = new BertInput([.. two.InputIds, .. two.InputIds, .. two.InputIds[..6]], 5, 6,
            [.. two.TokenTypeIds!, .. two.TokenTypeIds!, .. two.TokenTypeIds![..6]], [.. two.AttentionMask!, .. two.AttentionMask!, .. two.AttentionMask![..6]]);
        float[] whole;
        using (GradMode.NoGrad())
        {
            var logits = model.MaskedLMLogits(input);
            whole = logits.Data.AsSpan(0, checked((int)logits.Length)).ToArray();
        }
        foreach (int rows in new[] { 1, 2, 4, 5 })
            Assert.Equal(whole, Collect(write => ChunkedLogits.BertMaskedLM(model, input, write, rowsPerChunk: rows)));
    }

    [Fact]
    public void Rows_per_chunk_bound_a_chunk_of_logits()
    {
        Assert.Equal(5, ChunkedLogits.RowsPerChunk(seq: 64, vocab: 50257, values: 5L * 64 * 50257 + 1));
        Assert.Equal(1, ChunkedLogits.RowsPerChunk(seq: 1024, vocab: 50257, values: 10)); // at least one row
        Assert.True(ChunkedLogits.RowsPerChunk(64, 50257) * 64L * 50257 <= ChunkedLogits.DefaultChunkValues);
    }

    [Fact]
    public void A_wrong_mask_fails_before_any_chunk_is_written()
    {
        var model = new GptModel(new GptConfig { VocabSize = 11, ContextLength = 4, EmbeddingDim = 8, Layers = 1, Heads = 2 },
            new LlmForge.Backends.Managed.ManagedBackend(), seed: 1);
        int chunks = 0;
        var e = Assert.Throws<ArgumentException>(() =>
            ChunkedLogits.Gpt(model, new int[8], 2, 4, [1, 1, 1, 1, 0, 0, 0, 0], _ => chunks++, rowsPerChunk: 1));
        Assert.Contains("attention_mask row 1 is all 0", e.Message);
        Assert.Equal(0, chunks);
    }
}
