using LlmForge.Checkpoints;
using LlmForge.EncoderDecoder;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>
/// BeamSearch against PyTorch (tools/reference/marian_reference.py: transformers' BeamSearchScorer semantics in float64)
/// on Fixtures/marian-tiny and marian-tiny-relu with a padded source batch, on every test backend, with and without the
/// KV cache; and the batching of a beam search (inputs that finish early leave the batch) against one input at a time.
/// </summary>
public class BeamSearchTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Beam_search_gives_the_reference_tokens_and_scores_with_and_without_the_KV_cache(string backend)
    {
        foreach (var fixture in MarianFixture.All)
        {
            var model = MarianCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
            model.Eval();
            var input = fixture.Input;
            foreach (var reference in fixture.BeamCases)
            {
                foreach (bool useCache in new[] { true, false })
                {
                    var result = BeamSearch.Generate(model, input.InputIds, input.Batch, input.SourceLength, input.AttentionMask,
                        reference.Options with { UseCache = useCache });
                    Assert.True(reference.Sequences.Length == result.Sequences.Length, $"{fixture} {reference}");
                    for (int row = 0; row < reference.Sequences.Length; row++)
                        Assert.True(reference.Sequences[row].SequenceEqual(result.Sequences[row]),
                            $"{fixture} {reference} cache {useCache} row {row}: [{string.Join(", ", result.Sequences[row])}], " +
                            $"PyTorch [{string.Join(", ", reference.Sequences[row])}]");
                    double error = reference.Scores.Zip(result.Scores, (a, b) => Math.Abs(a - b)).Max();
                    output.WriteLine($"{backend} {fixture} {reference} cache {useCache}: scores max |Δ| {error:E2}");
                    Assert.True(error <= 1e-4, $"{fixture} {reference}: scores max |Δ| {error:E3} > 1e-4");
                }
            }
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void A_batch_gives_each_source_the_tokens_it_gets_alone(string backend)
    {
        // a random model whose sources have different lengths (padding) and so finish at different steps
        var config = new EncoderDecoderConfig
        {
            VocabSize = 24, ModelDim = 16, EncoderLayers = 1, DecoderLayers = 2, EncoderHeads = 2, DecoderHeads = 2,
            EncoderFfnDim = 32, DecoderFfnDim = 32, MaxPositions = 32, PadTokenId = 23, DecoderStartTokenId = 23, EosTokenId = 0,
            DropRate = 0, InitStd = 0.5f,
        };
        var model = new EncoderDecoderModel(config, TestBackends.Create(backend), seed: 5);
        model.Eval();
        int[][] sources = [[5, 9, 2, 7, 0], [3, 0], [11, 4, 0], [8, 8, 6, 1, 13, 0]];
        int length = sources.Max(s => s.Length);
        var ids = new int[sources.Length * length];
        var mask = new int[ids.Length];
        Array.Fill(ids, config.PadTokenId);
        for (int b = 0; b < sources.Length; b++)
        {
            sources[b].CopyTo(ids, b * length);
            Array.Fill(mask, 1, b * length, sources[b].Length);
        }
        var options = new BeamSearchOptions { NumBeams = 3, MaxNewTokens = 12 };

        RandomTranslator.Vary(model, eosBias: 2f); // the sources end at different steps
        var batched = BeamSearch.Generate(model, ids, sources.Length, length, mask, options);
        var plain = BeamSearch.Generate(model, ids, sources.Length, length, mask, options with { UseCache = false });

        Assert.Equal(batched.Sequences, plain.Sequences);
        int[] ends = [.. batched.Sequences.Select(s => Array.IndexOf(s, config.EosTokenId))];
        Assert.True(ends.Distinct().Count() >= 3, $"the sources should end at different steps: eos at {string.Join(", ", ends)}");
        for (int b = 0; b < sources.Length; b++)
        {
            var alone = BeamSearch.Generate(model, sources[b], 1, sources[b].Length, null, options);
            int[] tokens = [.. batched.Sequences[b].Take(alone.Sequences[0].Length)];
            Assert.Equal(alone.Sequences[0], tokens);
            Assert.All(batched.Sequences[b].Skip(tokens.Length), id => Assert.Equal(config.PadTokenId, id)); // padded to the longest row
            Assert.True(Math.Abs(alone.Scores[0] - batched.Scores[b]) <= 1e-5, $"source {b}: score {batched.Scores[b]} alone {alone.Scores[0]}");
        }
    }

    [Fact]
    public void Invalid_options_are_refused_naming_each_property()
    {
        var model = MarianCheckpoint.Load(MarianFixture.Tiny.Directory, TestBackends.Create("Managed"));
        var input = MarianFixture.Tiny.Input;
        var bad = new BeamSearchOptions { NumBeams = 1, LengthPenalty = float.NaN, MaxNewTokens = 0 };

        var e = Assert.Throws<ArgumentException>(() => BeamSearch.Generate(model, input.InputIds, input.Batch, input.SourceLength, input.AttentionMask, bad));
        Assert.Equal(3, e.Message.Split(Environment.NewLine).Length);
        Assert.Contains("NumBeams (num_beams) must be ≥ 2", e.Message);
        Assert.Contains("LengthPenalty (length_penalty)", e.Message);
        Assert.Contains("MaxNewTokens (max_new_tokens) must be ≥ 1", e.Message);
        var tooLong = Assert.Throws<ArgumentException>(() => BeamSearch.Generate(model, input.InputIds, input.Batch, input.SourceLength,
            input.AttentionMask, new BeamSearchOptions { MaxNewTokens = 32 }));
        Assert.Contains("exceed max_position_embeddings 32", tooLong.Message);
    }
}
