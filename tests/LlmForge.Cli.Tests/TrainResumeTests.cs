using System.Text.Json;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train</c>'s checkpoints and <c>--resume</c>, through the CLI entry point, on a tiny model (context 16,
/// 2 layers of 32, dropout 0.1 so the dropout counters' restore is exercised) whose runs take a fraction of a second.
/// The schedule is fixed by DecaySteps, so a 4-step run is the first half of an 8-step one.
/// </summary>
public sealed class TrainResumeTests : IDisposable
{
    private readonly TrainScratch dir = new("resume");

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, string> BackendsAndOptimizers => new()
    {
        { "Managed", "adamw" }, { "Mkl", "adamw" }, { "Managed", "sgd" }, { "Mkl", "sgd" },
    };

    /// <summary>
    /// 8 steps straight, and 4 steps then <c>--resume</c> to 8: model.safetensors and optimizer.safetensors are the same
    /// bytes (bit-identical weights and moments), the val_loss lines are the same, and so is trainer_state.json (step,
    /// samplers, dropout counters, file hashes). Evaluations fall on steps 4 and 8 in both, and gradient accumulation is 2.
    /// </summary>
    [Theory, MemberData(nameof(BackendsAndOptimizers))]
    public void Eight_steps_straight_equal_four_steps_then_resume_bit_for_bit(string backend, string optimizer)
    {
        string config = Config(optimizer);
        string straight = dir.File("straight"), split = dir.File("split");
        var whole = Train("--config", config, "--out", straight, "--steps", "8", "--backend", Cli.BackendFlag(backend));
        var first = Train("--config", config, "--out", split, "--steps", "4", "--backend", Cli.BackendFlag(backend));
        Assert.Equal(4, State(split).GetProperty("step").GetInt32());
        var (code, stdout, stderr) = Cli.Run("train", "--config", config, "--resume", split, "--steps", "8", "--backend", Cli.BackendFlag(backend));
        Assert.True(code == 0, stderr);
        Assert.Contains($"resumed '{split}' at step 4 of 8", stderr);
        Assert.Contains("step 5/8 |", stdout);
        Assert.DoesNotContain("step 4/8 |", stdout);

        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(split, "model.safetensors")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "optimizer.safetensors")), File.ReadAllBytes(Path.Combine(split, "optimizer.safetensors")));
        Assert.Equal(ValLoss(whole), ValLoss(stdout));
        Assert.Equal(EvalLine(whole, 4), EvalLine(first, 4));
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "trainer_state.json")), File.ReadAllText(Path.Combine(split, "trainer_state.json")));
    }

    [Fact]
    public void Checkpoints_are_written_every_interval_and_at_the_end_with_the_training_state()
    {
        string model = dir.File("m");
        var (code, _, stderr) = Run("--config", Config("adamw", checkpointInterval: 3), "--out", model, "--steps", "8");
        Assert.True(code == 0, stderr);
        Assert.Contains($"checkpoint step 3 -> {model}\n", stderr);
        Assert.Contains($"checkpoint step 6 -> {model}\n", stderr);
        Assert.Contains($"checkpoint step 8 -> {model}\n", stderr);
        foreach (string file in new[] { "config.json", "model.safetensors", "llmforge_char_tokenizer.json", "optimizer.safetensors", "trainer_state.json" })
            Assert.True(File.Exists(Path.Combine(model, file)), file);
        Assert.False(Directory.Exists(Path.Combine(model, ".checkpoint-staging")));
        var state = State(model);
        Assert.Equal(("gpt-char", "char", "adamw", 3UL), (state.GetProperty("variant").GetString(), state.GetProperty("tokenizer").GetString(),
            state.GetProperty("optimizer").GetString(), state.GetProperty("seed").GetUInt64()));
        Assert.Equal(16, state.GetProperty("samplers").GetProperty("train").GetProperty("step").GetInt64()); // 8 steps × 2 micro-batches
        Assert.Equal(16, state.GetProperty("dropout").GetProperty("drop_emb").GetProperty("calls").GetInt64());

        (code, _, stderr) = Run("--config", Config("adamw", checkpointInterval: 0), "--out", dir.File("end"), "--steps", "8");
        Assert.True(code == 0, stderr);
        Assert.Single(stderr.Split('\n'), l => l.StartsWith("checkpoint step", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_checkpoint_interval_is_a_configuration_error_naming_the_key()
    {
        var (code, _, stderr) = Run("--config", Config("adamw", checkpointInterval: -1), "--out", dir.File("m"), "--steps", "2");
        Assert.Equal(1, code);
        Assert.Contains("LlmForge:Training:CheckpointInterval -1 is out of range [0, ", stderr);
    }

    [Fact]
    public void Resume_writes_to_out_when_given_and_leaves_the_source_checkpoint_alone()
    {
        string source = dir.File("source"), target = dir.File("target");
        Train("--config", Config("adamw"), "--out", source, "--steps", "4");
        byte[] weights = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
        var (code, _, stderr) = Cli.Run("train", "--config", Config("adamw"), "--resume", source, "--out", target, "--steps", "6");
        Assert.True(code == 0, stderr);
        Assert.Equal(6, State(target).GetProperty("step").GetInt32());
        Assert.Equal(4, State(source).GetProperty("step").GetInt32());
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(source, "model.safetensors")));
    }

    [Fact]
    public void Resume_at_max_steps_says_to_raise_steps()
    {
        string model = dir.File("m");
        Train("--config", Config("adamw"), "--out", model, "--steps", "4");
        var (code, _, stderr) = Cli.Run("train", "--config", Config("adamw"), "--resume", model);
        Assert.Equal(2, code);
        Assert.Contains($"'{model}' is at step 4, which already reaches MaxSteps 4: give --steps N above 4 to train further", stderr);
        (code, _, stderr) = Cli.Run("train", "--config", Config("adamw"), "--resume", model, "--steps", "3");
        Assert.Equal(2, code);
        Assert.Contains("already reaches MaxSteps 3", stderr);
    }

    [Fact]
    public void Resume_mismatches_are_one_line_naming_the_file_and_key()
    {
        string model = dir.File("m");
        Train("--config", Config("adamw"), "--out", model, "--steps", "2");
        string tinyWider = dir.Write("tiny-wider.json", File.ReadAllText(Config("adamw")).Replace("\"EmbeddingDim\": 32", "\"EmbeddingDim\": 64"));

        AssertFails(["--config", tinyWider, "--resume", model, "--steps", "4"], Path.Combine(model, "config.json"), "key \"n_embd\" is 32 but the model has 64");
        AssertFails(["--config", Config("adamw"), "--resume", model, "--steps", "4", "--variant", "gpt-rope"],
            Path.Combine(model, "trainer_state.json"), "key \"variant\" is gpt-char but this run's variant is gpt-rope");
        AssertFails(["--config", Config("sgd"), "--resume", model, "--steps", "4"],
            Path.Combine(model, "trainer_state.json"), "key \"optimizer\" is adamw");
        AssertFails(["--config", Config("adamw"), "--resume", model, "--steps", "4", "--seed", "9"],
            Path.Combine(model, "trainer_state.json"), "key \"seed\" is 3 but this run's seed is 9");
        AssertFails(["--config", Config("adamw"), "--resume", model, "--steps", "4", "--tokenizer", "bpe"],
            "--tokenizer bpe differs from the checkpoint's tokenizer 'char'", "key \"tokenizer\"");
    }

    [Fact]
    public void Resume_without_trainer_state_or_optimizer_state_names_the_missing_file()
    {
        string model = dir.File("m");
        Train("--config", Config("adamw"), "--out", model, "--steps", "2");
        string noOptimizer = Copy(model, "no-optimizer");
        File.Delete(Path.Combine(noOptimizer, "optimizer.safetensors"));
        AssertFails(["--config", Config("adamw"), "--resume", noOptimizer, "--steps", "4"],
            Path.Combine(noOptimizer, "optimizer.safetensors"), "missing, but trainer_state.json (step 2) lists it");

        string noState = Copy(model, "no-state");
        File.Delete(Path.Combine(noState, "trainer_state.json"));
        AssertFails(["--config", Config("adamw"), "--resume", noState, "--steps", "4"],
            Path.Combine(noState, "trainer_state.json"), "is not a training checkpoint");
    }

    [Fact]
    public void Resume_of_a_checkpoint_mixing_two_steps_is_detected()
    {
        string early = dir.File("early"), late = dir.File("late");
        Train("--config", Config("adamw"), "--out", early, "--steps", "2");
        Train("--config", Config("adamw"), "--out", late, "--steps", "4");
        // the step-4 weights with the step-2 optimizer state and trainer state: what an in-place save cut short would leave
        File.Copy(Path.Combine(late, "model.safetensors"), Path.Combine(early, "model.safetensors"), overwrite: true);
        AssertFails(["--config", Config("adamw"), "--resume", early, "--steps", "6"],
            Path.Combine(early, "model.safetensors"), "but trainer_state.json (step 2) recorded");
    }

    private void AssertFails(string[] args, string first, string second)
    {
        var (code, _, stderr) = Cli.Run(["train", .. args]);
        Assert.NotEqual(0, code);
        string error = stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("llmforge train: ", error);
        Assert.Contains(first, error);
        Assert.Contains(second, error);
    }

    private string Train(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 0, stderr);
        return stdout;
    }

    /// <summary>A fresh run on the test corpus with seed 3.</summary>
    private (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(["train", "--corpus", dir.Corpus(), "--seed", "3", .. args]);

    private static string ValLoss(string stdout) => stdout.TrimEnd().Split('\n')[^1];

    private static string EvalLine(string stdout, int step) => stdout.Split('\n').Single(l => l.StartsWith($"eval step {step}:", StringComparison.Ordinal));

    private static JsonElement State(string model) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "trainer_state.json"))).RootElement;

    private string Copy(string model, string name)
    {
        string copy = dir.File(name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    /// <summary>A tiny gpt-char with dropout; evaluations every 4 steps, a schedule that does not depend on MaxSteps.</summary>
    private string Config(string optimizer, int checkpointInterval = 4) => dir.Write($"tiny-{optimizer}-{checkpointInterval}.json", $$"""
        {
          "LlmForge": {
            "Training": {
              "Optimizer": "{{optimizer}}", "Momentum": 0.9, "BatchSize": 2, "GradientAccumulationSteps": 2,
              "EvalInterval": 4, "EvalBatches": 2, "LogInterval": 1, "CheckpointInterval": {{checkpointInterval}},
              "WarmupSteps": 2, "DecaySteps": 8
            },
            "Variants": { "gpt-char": { "ContextLength": 16, "EmbeddingDim": 32, "Layers": 2, "Heads": 2, "Dropout": 0.1 } }
          }
        }
        """);
}
