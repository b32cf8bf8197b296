using System.Text.Json;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --variant transformer-mini --pairs FILE</c> on the fixture pairs (Fixtures/translation/pairs.tsv)
/// with a tiny shape (a --config overlay): its lines, the MarianMT directory it saves, and an exact <c>--resume</c>.
/// </summary>
public sealed class TrainTranslationTests : IDisposable
{
    private static readonly string Pairs = FixturePath.Of("translation", "pairs.tsv");
    private readonly TrainScratch dir = new("translate-train");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Trains_a_translator_and_saves_a_MarianMT_directory_with_its_tokenizer()
    {
        string output = dir.File("mt");
        var (code, stdout, stderr) = Run("--out", output, "--steps", "6");

        Assert.True(code == 0, stderr);
        Assert.Contains("tokenizer bpe: ", stderr);
        Assert.Contains("step 6/6 |", stdout);
        Assert.Contains("eval step 3: train_loss ", stdout);
        Assert.Matches(@"eval step 6: bleu \d+\.\d\d chrf \d+\.\d\d\n", stdout);
        string[] lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^val_loss=\d+\.\d{4}$", lines[^2]);
        Assert.Matches(@"^bleu=\d+\.\d\d chrf=\d+\.\d\d$", lines[^1]);
        Assert.Contains("--- validation translations ---", stdout);

        // the directory is a MarianMT model with the learned tokenizer: what forward, info and translate load
        Assert.True(MarianCheckpoint.IsMarianDirectory(output));
        var model = MarianCheckpoint.Load(output, new ManagedBackend());
        var tokenizer = TranslationTokenizerFiles.Load(output);
        Assert.Equal((tokenizer.VocabSize, tokenizer.PadId, tokenizer.EosId), (model.Config.VocabSize, model.Config.PadTokenId, model.Config.EosTokenId));
        Assert.Equal(24, model.Config.ModelDim);
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json"))))
            Assert.Equal(("seq2seq", 6, "transformer-mini"), (state.RootElement.GetProperty("objective").GetString(),
                state.RootElement.GetProperty("step").GetInt32(), state.RootElement.GetProperty("variant").GetString()));
        Assert.Contains("\"bleu\":", File.ReadAllLines(Path.Combine(output, "metrics.jsonl"))[^1]);
        var (infoCode, info, infoErr) = Cli.Run("info", "--model", output);
        Assert.True(infoCode == 0, infoErr);
        Assert.Contains("marian", info);
    }

    [Fact]
    public void Six_steps_straight_equal_three_steps_then_resume()
    {
        string straight = dir.File("straight"), split = dir.File("split");
        var (code, whole, stderr) = Run("--out", straight, "--steps", "6");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = Run("--out", split, "--steps", "3");
        Assert.True(code == 0, stderr);

        var (resumedCode, stdout, resumedErr) = Cli.Run("train", "--config", Config(), "--resume", split, "--steps", "6");
        Assert.True(resumedCode == 0, resumedErr);
        Assert.Contains($"resumed '{split}' at step 3 of 6", resumedErr);
        Assert.Contains("step 4/6 |", stdout);
        foreach (string file in new[] { "model.safetensors", "optimizer.safetensors", "config.json", "vocab.json", "merges.txt" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, file)), File.ReadAllBytes(Path.Combine(split, file)));
        Assert.Equal(whole.TrimEnd().Split('\n')[^2..], stdout.TrimEnd().Split('\n')[^2..]); // val_loss=, bleu= chrf=
    }

    [Theory]
    [InlineData(new[] { "--variant", "transformer-mini" }, "give --pairs FILE")]
    [InlineData(new[] { "--variant", "transformer-mini", "--pairs", "PAIRS", "--corpus", "PAIRS" }, "--corpus is for gpt and bert variants")]
    [InlineData(new[] { "--variant", "gpt-char", "--pairs", "PAIRS" }, "--pairs is for encoder-decoder (translation) variants")]
    [InlineData(new[] { "--variant", "transformer-mini", "--pairs", "MISSING" }, "MISSING")]
    public void Bad_input_is_one_line(string[] args, string expected)
    {
        string[] resolved = [.. args.Select(a => a == "PAIRS" ? Pairs : a == "MISSING" ? dir.File("none.tsv") : a)];
        var (code, _, stderr) = Cli.Run(["train", "--out", dir.File("bad"), "--steps", "2", "--config", Config(), .. resolved]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected == "MISSING" ? dir.File("none.tsv") : expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private (int Code, string Out, string Err) Run(params string[] args) =>
        Cli.Run(["train", "--variant", "transformer-mini", "--pairs", Pairs, "--vocab-size", "300", "--seed", "3", "--config", Config(), .. args]);

    private string Config() => dir.Write("tiny-translator.json", """
        {
          "LlmForge": {
            "Variants": { "transformer-mini": { "ContextLength": 40, "EmbeddingDim": 24, "Layers": 1, "DecoderLayers": 1, "Heads": 2, "InnerDim": 48, "Dropout": 0.1 } },
            "Training": { "BatchSize": 8, "LearningRate": 0.003, "WarmupSteps": 2, "DecaySteps": 6, "EvalInterval": 3, "EvalBatches": 2,
                          "LogInterval": 1, "CheckpointInterval": 3, "ValidationFraction": 0.1 },
            "Translation": { "EvalSentences": 4, "MaxLength": 32 }
          }
        }
        """);
}
