using System.Text.Json;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --variant bert-mini</c>'s checkpoints and <c>--resume</c>, through the CLI entry point, on a tiny
/// BERT (a --config overlay: sequence 16, 2 layers of 32, dropout 0.1, gradient accumulation 2). The schedule is fixed
/// by DecaySteps, so a 4-step run is the first half of an 8-step one.
/// </summary>
public sealed class TrainBertResumeTests : IDisposable
{
    private readonly TrainScratch dir = new("bert-resume");

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("Managed")]
    [InlineData("Mkl")]
    public void Eight_steps_straight_equal_four_steps_then_resume_bit_for_bit(string backend)
    {
        string straight = dir.File("straight"), split = dir.File("split");
        var (code, whole, stderr) = Run("--out", straight, "--steps", "8", "--backend", Cli.BackendFlag(backend));
        Assert.True(code == 0, stderr);
        Assert.Contains($"saved step 4 to {straight}\n", whole); // every CheckpointInterval (4) steps and at the end
        Assert.Contains($"saved step 8 to {straight}\n", whole);
        (code, _, stderr) = Run("--out", split, "--steps", "4", "--backend", Cli.BackendFlag(backend));
        Assert.True(code == 0, stderr);
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(split, "trainer_state.json"))))
            Assert.Equal(("masked-lm", 4, "bert-mini", "wordpiece"), (state.RootElement.GetProperty("objective").GetString(),
                state.RootElement.GetProperty("step").GetInt32(), state.RootElement.GetProperty("variant").GetString(),
                state.RootElement.GetProperty("tokenizer").GetString()));

        // the resume takes the checkpoint's variant; no --variant needed
        var (resumedCode, stdout, resumedErr) = Cli.Run("train", "--corpus", dir.Corpus(), "--seed", "3", "--config", Config(),
            "--resume", split, "--steps", "8", "--backend", Cli.BackendFlag(backend));
        Assert.True(resumedCode == 0, resumedErr);
        Assert.Contains($"resumed '{split}' at step 4 of 8", stdout);
        Assert.Contains("step 5/8 |", stdout);
        Assert.DoesNotContain("step 4/8 |", stdout);
        foreach (string file in new[] { "model.safetensors", "optimizer.safetensors", "config.json", "vocab.txt" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, file)), File.ReadAllBytes(Path.Combine(split, file)));
        Assert.Equal(whole.TrimEnd().Split('\n')[^1], stdout.TrimEnd().Split('\n')[^1]); // val_loss=
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "trainer_state.json")), File.ReadAllText(Path.Combine(split, "trainer_state.json")));
    }

    [Fact]
    public void Tokenizer_flags_are_refused_for_a_bert_variant()
    {
        var (code, _, stderr) = Run("--out", dir.File("m"), "--steps", "2", "--vocab-size", "300");
        Assert.Equal(2, code);
        Assert.Contains("--tokenizer/--tokenizer-dir/--vocab-size are for GPT variants; 'bert-mini' is a bert variant", stderr);
    }

    private (int Code, string Out, string Err) Run(params string[] args) =>
        Cli.Run(["train", "--variant", "bert-mini", "--corpus", dir.Corpus(), "--seed", "3", "--config", Config(), .. args]);

    private string Config() => dir.Write("tiny-bert.json", """
        {
          "LlmForge": {
            "Variants": {
              "bert-mini": {
                "VocabSize": 120, "ContextLength": 16, "EmbeddingDim": 32, "Layers": 2, "Heads": 2, "InnerDim": 64, "Dropout": 0.1,
                "Training": {
                  "BatchSize": 2, "GradientAccumulationSteps": 2, "EvalInterval": 4, "EvalBatches": 2, "LogInterval": 1,
                  "CheckpointInterval": 4, "WarmupSteps": 2, "DecaySteps": 8
                }
              }
            }
          }
        }
        """);
}
