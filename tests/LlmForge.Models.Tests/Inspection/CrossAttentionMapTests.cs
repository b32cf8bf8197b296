using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Inspection;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Inspection;

/// <summary><see cref="CrossAttentionMap"/>: the translation it maps is the greedy one, and each map is [target, source] of softmax rows.</summary>
public class CrossAttentionMapTests
{
    [Fact]
    public void Maps_every_decoder_layer_and_head_over_the_greedy_translation()
    {
        var tokenizer = SharedBpeTranslationTokenizer.Learn(TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv")), 300);
        var model = new EncoderDecoderModel(new EncoderDecoderConfig
        {
            VocabSize = tokenizer.VocabSize, ModelDim = 16, EncoderLayers = 1, DecoderLayers = 2, EncoderHeads = 4, DecoderHeads = 4,
            EncoderFfnDim = 32, DecoderFfnDim = 32, MaxPositions = 20, PadTokenId = tokenizer.PadId, DecoderStartTokenId = tokenizer.DecoderStartId,
            EosTokenId = tokenizer.EosId, DropRate = 0, AttentionDropRate = 0, InitStd = 0.5f,
        }, TestBackends.Create("Managed"), seed: 5);
        model.Eval();
        int[] source = [.. tokenizer.EncodeSource("Close the window")];

        var map = CrossAttentionMap.Of(model, tokenizer, "Close the window");

        int[] greedy = GreedyTranslation.Generate(model, source, 1, source.Length, null, Math.Min(2 * source.Length + 10, 19))[0];
        Assert.Equal(greedy.Length - 1, map.TargetTokens.Count);
        Assert.Equal(tokenizer.DecodeTarget(greedy[1..]), map.Translation);
        Assert.Equal(source.Length, map.SourceTokens.Count);
        Assert.Equal(2, map.Weights.Length);
        foreach (var head in map.Weights.SelectMany(layer => layer))
        {
            Assert.Equal((map.TargetTokens.Count, source.Length), (head.GetLength(0), head.GetLength(1)));
            for (int i = 0; i < head.GetLength(0); i++)
            {
                double sum = Enumerable.Range(0, head.GetLength(1)).Sum(j => (double)head[i, j]);
                Assert.True(Math.Abs(sum - 1) <= 1e-5, $"row {i} sums to {sum}");
            }
        }
        Assert.Equal(8, map.StrongestSources().Count());
        Assert.Throws<ArgumentException>(() => CrossAttentionMap.Of(model, tokenizer, string.Join(" ", Enumerable.Repeat("window", 30))));
    }
}
