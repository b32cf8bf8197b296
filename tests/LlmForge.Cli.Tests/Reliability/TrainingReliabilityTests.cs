using System.Diagnostics;
using System.Globalization;
using LlmForge.Checkpoints;
using LlmForge.Cli;
using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// The life of a <c>llmforge train</c> run under hostile conditions, through the CLI entry point: a diverging learning
/// rate, an --out that holds a checkpoint, is a file or is being written by another run, and Ctrl-C.
/// </summary>
public sealed class TrainingReliabilityTests : IDisposable
{
    private readonly TrainScratch dir = new("reliability");

    public void Dispose() => dir.Dispose();

    /// <summary>A tiny gpt-char trained by SGD without clipping: at a learning rate of 1000 its loss is NaN within 12 steps.</summary>
    private string Config(float learningRate, int checkpointInterval = 0, int skips = 0) =>
        dir.Write($"tiny-{learningRate}-{checkpointInterval}-{skips}.json", $$"""
        {
          "LlmForge": {
            "Training": {
              "Optimizer": "sgd", "Momentum": 0.9, "LearningRate": {{learningRate}}, "MinLearningRate": 0, "GradientClip": 0,
              "BatchSize": 2, "EvalInterval": 4, "EvalBatches": 1, "LogInterval": 1, "CheckpointInterval": {{checkpointInterval}},
              "WarmupSteps": 0, "DecaySteps": 12, "SkipNonFiniteSteps": {{skips}}
            },
            "Variants": { "gpt-char": { "ContextLength": 16, "EmbeddingDim": 32, "Layers": 2, "Heads": 2 } }
          }
        }
        """);

    private (int Code, string Out, string Err) Train(params string[] args) => Cli.Run(["train", "--corpus", dir.Corpus(), "--seed", "3", .. args]);

    /// <summary>The last stderr line (the error), checked to be the CLI's one-line form without a stack trace.</summary>
    private static string Error(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr);
        string line = stderr.TrimEnd('\n').Split('\n')[^1];
        Assert.StartsWith("llmforge train: ", line);
        return line;
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void A_non_finite_loss_stops_the_run_with_exit_1_naming_the_step_and_the_settings_and_saves_nothing()
    {
        string model = dir.File("m");
        var (code, stdout, stderr) = Train("--config", Config(1000), "--out", model, "--steps", "12");
        Assert.Equal(1, code);
        string error = Error(stderr);
        Assert.Matches(@"^llmforge train: step \d+: the (loss|gradient norm) is (NaN|∞|-∞|Infinity|-Infinity): training diverged and stopped before saving anything of this step", error);
        Assert.Contains("lower LlmForge:Training:LearningRate (now 1000) or clip the gradients harder with LlmForge:Training:GradientClip (now 0; 0 = off)", error);
        Assert.DoesNotContain("val_loss=", stdout);
        Assert.False(File.Exists(Path.Combine(model, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(model, RunDirectoryLock.FileName)));
    }

    [Fact]
    public void Resuming_a_good_checkpoint_with_a_huge_learning_rate_exits_1_and_leaves_every_file_byte_identical()
    {
        string good = dir.File("good");
        var (code, _, stderr) = Train("--config", Config(0.01f), "--out", good, "--steps", "4");
        Assert.True(code == 0, stderr);
        var before = Snapshot(good);

        (code, _, stderr) = Cli.Run("train", "--config", Config(1000), "--resume", good, "--steps", "12");
        Assert.Equal(1, code);
        Assert.Contains("training diverged and stopped before saving anything of this step (the last checkpoint is untouched)", Error(stderr));
        var after = Snapshot(good);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), name);
    }

    [Fact]
    public void SkipNonFiniteSteps_skips_and_reports_that_many_bad_steps_then_stops()
    {
        string model = dir.File("m");
        var (code, _, stderr) = Train("--config", Config(1000, skips: 2), "--out", model, "--steps", "40");
        Assert.Equal(1, code);
        var skipped = stderr.Split('\n').Where(l => l.Contains(": step skipped, no update (", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, skipped.Count);
        Assert.EndsWith("(2 of 2 allowed skips used)", skipped[1]);
        Assert.Contains(", after skipping 2 such steps;", Error(stderr));
        Assert.False(File.Exists(Path.Combine(model, "model.safetensors")));
    }

    [Fact]
    public void A_negative_SkipNonFiniteSteps_is_a_configuration_error_naming_the_key()
    {
        var (code, _, stderr) = Train("--config", Config(0.01f, skips: -1), "--out", dir.File("m"), "--steps", "2");
        Assert.Equal(1, code);
        Assert.Contains("LlmForge:Training:SkipNonFiniteSteps -1 is out of range [0, ", Error(stderr));
    }

    [Fact]
    public void A_new_run_into_a_directory_holding_a_checkpoint_is_refused_before_the_first_step_unless_overwrite()
    {
        string model = dir.File("m");
        Assert.Equal(0, Train("--config", Config(0.01f), "--out", model, "--steps", "3").Code);
        var before = Snapshot(model);

        var (code, stdout, stderr) = Train("--config", Config(0.01f), "--out", model, "--steps", "2");
        Assert.Equal(2, code);
        Assert.Equal($"llmforge train: '{model}' already holds a training checkpoint at step 3: continue it with --resume {model}, or pass --overwrite to replace it",
            Error(stderr));
        Assert.DoesNotContain("step 1/", stdout);
        Assert.Equal(before.Keys.Order(), Snapshot(model).Keys.Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(Path.Combine(model, f.Key))));

        (code, _, stderr) = Train("--config", Config(0.01f), "--out", model, "--steps", "2", "--overwrite");
        Assert.True(code == 0, stderr);
        Assert.Equal(2, TrainingCheckpoint.Load(model).Step);
        Assert.Contains("--overwrite", Cli.Run("train", "--help").Out);
    }

    [Fact]
    public void An_out_that_is_a_file_or_under_a_file_fails_before_any_training_step()
    {
        string file = dir.Write("file.txt", "not a directory");
        var (code, stdout, stderr) = Train("--config", Config(0.01f), "--out", file, "--steps", "2");
        Assert.Equal(1, code);
        Assert.Equal($"llmforge train: {file}: is a file, not a directory: the checkpoint directory must be a directory (or a path to create one)", Error(stderr));
        Assert.DoesNotContain("step 1/", stdout);

        string under = Path.Combine(file, "model");
        (code, stdout, stderr) = Train("--config", Config(0.01f), "--out", under, "--steps", "2");
        Assert.Equal(1, code);
        Assert.Equal($"llmforge train: {under}: cannot create the checkpoint directory ('{file}' is a file)", Error(stderr));
        Assert.DoesNotContain("step 1/", stdout);
    }

    [Fact]
    public void A_second_run_into_a_directory_another_run_writes_fails_at_once_naming_its_pid()
    {
        string model = dir.File("m");
        using (RunDirectoryLock.Acquire(model)) // the first run
        {
            var (code, stdout, stderr) = Train("--config", Config(0.01f), "--out", model, "--steps", "2");
            Assert.Equal(1, code);
            Assert.Equal($"llmforge train: {model}: another run (PID {Environment.ProcessId}) is writing this checkpoint directory (.llmforge.lock); " +
                "wait for it to end or choose another directory", Error(stderr));
            Assert.DoesNotContain("step 1/", stdout);
        }
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        Assert.False(Directory.Exists(model)); // the refused run left nothing, and the released lock took its empty directory
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, RunDirectoryLock.FileName), $"{exited.Id}\n"); // a dead run's lock
        var after = Train("--config", Config(0.01f), "--out", model, "--steps", "2");
        Assert.True(after.Code == 0, after.Err);
        Assert.False(File.Exists(Path.Combine(model, RunDirectoryLock.FileName)));
    }

    /// <summary>
    /// <c>dotnet llmforge.dll train</c> as a child process (a real signal cannot target the test host), read until its
    /// progress line of <paramref name="step"/>; the rest of its stdout is drained.
    /// </summary>
    private Process StartTrainUntil(int step, string model, string config)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { typeof(CommandLine).Assembly.Location, "train", "--corpus", dir.Corpus(), "--config", config, "--out", model, "--steps", "100000", "--seed", "3" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith($"step {step}/", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    /// <summary>Sends SIGINT <paramref name="signals"/> times (5 ms apart), waits for the exit (130), and returns stderr and the checkpoint's step.</summary>
    private static async Task<(string Err, int Step)> Interrupt(Process process, string model, int signals = 1)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        for (int i = 0; i < signals; i++)
        {
            if (i > 0) await Task.Delay(5);
            using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        Assert.True(process.WaitForExit(20_000), "train did not stop after SIGINT");
        string err = await stderr;
        Assert.True(process.ExitCode == 130, err);
        return (err, TrainingCheckpoint.Load(model).Step);
    }

    /// <summary>Resumes <paramref name="model"/> in-process to <paramref name="steps"/> and checks the checkpoint got there.</summary>
    private static void ResumeTo(string model, string config, int steps)
    {
        var (code, _, stderr) = Cli.Run("train", "--resume", model, "--config", config, "--steps", steps.ToString(CultureInfo.InvariantCulture));
        Assert.True(code == 0, stderr);
        Assert.Equal(steps, TrainingCheckpoint.Load(model).Step);
    }

    /// <summary>
    /// A real SIGINT to <c>dotnet llmforge.dll train</c> once it has printed step 3: it finishes the step, saves a
    /// checkpoint, says how to resume and exits 130; the checkpoint loads and resumes.
    /// </summary>
    [Fact]
    public async Task Sigint_during_train_saves_a_checkpoint_prints_how_to_resume_and_exits_130()
    {
        if (OperatingSystem.IsWindows()) return; // no kill(1) to send the signal with
        string model = dir.File("m"), config = Config(0.01f);
        using var process = StartTrainUntil(3, model, config);
        var (err, step) = await Interrupt(process, model);
        Assert.InRange(step, 3, 99_999);
        Assert.Contains("SIGINT: finishing the current step, then saving a checkpoint (send it again to stop at once)\n", err);
        Assert.Contains($"llmforge train: interrupted after step {step} of 100000: checkpoint saved in {model}; resume with: llmforge train --resume {model} --config {config}\n", err);
        Assert.False(File.Exists(Path.Combine(model, RunDirectoryLock.FileName)));
        // The metrics of every step up to the saved one were flushed with its checkpoint: one line a step, the last the saved step.
        string[] metrics = [.. File.ReadAllLines(Path.Combine(model, LlmForge.Training.TrainingMetricsWriter.FileName)).Where(l => l.Length > 0)];
        Assert.Equal(step, metrics.Length);
        Assert.StartsWith($"{{\"step\":{step},", metrics[^1]);
        ResumeTo(model, config, step + 2);
    }

    /// <summary>
    /// The same for a bert variant (masked-LM pretraining): the step finishes, a checkpoint of it is saved, the line says
    /// how to resume, and <c>--resume</c> continues it.
    /// </summary>
    [Fact]
    public async Task Sigint_during_bert_training_saves_a_checkpoint_that_resumes()
    {
        if (OperatingSystem.IsWindows()) return;
        string model = dir.File("bert"), config = dir.Write("tiny-bert.json", """
            {
              "LlmForge": {
                "Variant": "bert-mini",
                "Variants": {
                  "bert-mini": {
                    "VocabSize": 120, "ContextLength": 16, "EmbeddingDim": 32, "Layers": 1, "Heads": 2, "InnerDim": 64,
                    "Training": { "BatchSize": 2, "EvalInterval": 1000, "EvalBatches": 1, "LogInterval": 1, "CheckpointInterval": 0 }
                  }
                }
              }
            }
            """);
        using var process = StartTrainUntil(3, model, config);
        var (err, step) = await Interrupt(process, model);
        Assert.InRange(step, 3, 99_999);
        Assert.Contains($"llmforge train: interrupted after step {step} of 100000: checkpoint saved in {model}; resume with: llmforge train --resume {model} --config {config}\n", err);
        ResumeTo(model, config, step + 2);
    }

    /// <summary>
    /// Two SIGINTs: the second ends the process at once (130), whatever it was doing — saving a checkpoint every 4 steps
    /// included; the directory still holds a whole checkpoint, and its leftover lock (a dead PID) does not stop the resume.
    /// (Two signals this close may also arrive as one; then the first's clean stop is checked.)
    /// </summary>
    [Fact]
    public async Task A_second_sigint_exits_at_once_and_leaves_a_whole_checkpoint()
    {
        if (OperatingSystem.IsWindows()) return;
        string model = dir.File("m"), config = Config(0.01f, checkpointInterval: 4);
        using var process = StartTrainUntil(5, model, config); // step 4's checkpoint is committed
        var (_, step) = await Interrupt(process, model, signals: 2);
        Assert.InRange(step, 4, 99_999);
        ResumeTo(model, config, step + 1);
    }
}
