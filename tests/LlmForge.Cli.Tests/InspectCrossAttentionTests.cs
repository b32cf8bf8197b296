using System.Text.Json;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Samples;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary><c>llmforge inspect --attention</c> on a translator: the decoder's cross-attention, target tokens × source tokens.</summary>
public class InspectCrossAttentionTests
{
    /// <summary>A random 2-layer, 2-head translator with a BPE learned from the fixture pairs, saved as train saves one.</summary>
    private static string WriteTranslator(string directory)
    {
        var tokenizer = SharedBpeTranslationTokenizer.Learn(TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv")), 300);
        var model = new EncoderDecoderModel(new EncoderDecoderConfig
        {
            VocabSize = tokenizer.VocabSize, ModelDim = 16, EncoderLayers = 1, DecoderLayers = 2, EncoderHeads = 2, DecoderHeads = 2,
            EncoderFfnDim = 32, DecoderFfnDim = 32, MaxPositions = 24, PadTokenId = tokenizer.PadId, DecoderStartTokenId = tokenizer.DecoderStartId,
            EosTokenId = tokenizer.EosId, NormPosition = LayerNormPosition.Pre, DropRate = 0, AttentionDropRate = 0, InitStd = 0.5f,
        }, new ManagedBackend(), seed: 9);
        MarianCheckpoint.Save(model, directory);
        tokenizer.Save(directory);
        return directory;
    }

    [Fact]
    public void Attention_on_a_translator_draws_each_heads_cross_attention_over_the_source()
    {
        using var temp = new TempDirectory();
        string dir = WriteTranslator(Directory.CreateDirectory(temp.File("mt")).FullName);
        string png = temp.File("cross.png");
        int sourceTokens = TranslationTokenizerFiles.Load(dir).EncodeSource("Open the file").Count;

        var (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--attention", "--text", "Open the file", "--png", png, "--json");

        Assert.True(code == 0, stderr);
        PngFile.AssertValid(png, 2 * 360, 2 * 360); // a row per decoder layer, a panel per head
        using var json = JsonDocument.Parse(stdout);
        var source = json.RootElement.GetProperty("source_tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
        var target = json.RootElement.GetProperty("target_tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal(sourceTokens, source.Length);
        Assert.Equal("</s>", source[^1]);
        Assert.NotEmpty(target);
        var layers = json.RootElement.GetProperty("cross_attentions").EnumerateArray().ToArray();
        Assert.Equal(2, layers.Length);
        foreach (var head in layers.SelectMany(l => l.EnumerateArray()))
        {
            var rows = head.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(target.Length, rows.Length);
            foreach (var row in rows)
            {
                Assert.Equal(source.Length, row.Length);
                Assert.True(Math.Abs(row.Sum() - 1) <= 1e-5, $"a row sums to {row.Sum()}");
            }
        }

        (code, stdout, stderr) = Cli.Run("inspect", "--model", dir, "--attention", "--text", "Open the file");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("translation: ", stdout);
        Assert.Contains($"source tokens ({sourceTokens}): {string.Join(" ", source.Select(t => t!.Replace(' ', '·')))}\n", stdout);
        Assert.Contains("cross-attention: 2 decoder layers × 2 heads", stdout);
        Assert.Contains("layer 1 head 1: strongest source per target token: ", stdout);
    }
}
