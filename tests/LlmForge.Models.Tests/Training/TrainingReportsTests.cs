using System.Globalization;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Microsoft.Extensions.Logging;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// The GPT and BERT runs report each step to an <see cref="IProgress{T}"/> of <see cref="TrainingProgress"/> with the
/// figures of their text lines, and checkpoints, evaluations, resume and cancellation to an <see cref="ILogger{T}"/>.
/// </summary>
public sealed class TrainingReportsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    [Fact]
    public void Every_gpt_step_is_reported_with_the_figures_of_its_lines()
    {
        var run = GptTrainingRunCancellationTests.NewRun();
        var progress = new RecordingProgress();
        var output = new StringWriter();
        run.Train(output, TextWriter.Null, temp.File("run"), progress: progress);

        var reports = progress.Reports;
        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal((8, 2L * 8), (r.MaxSteps, r.Tokens)));
        Assert.Equal([4, 8], reports.Where(r => r.Evaluated).Select(r => r.Step));
        Assert.Equal(run.ValidationLoss, reports[^1].ValidationLoss);
        for (int i = 1; i < reports.Count; i++) Assert.True(reports[i].Elapsed >= reports[i - 1].Elapsed);

        string[] lines = output.ToString().Split('\n');
        foreach (var r in reports)
        {
            // LogInterval 1: a line per step, whose loss and learning rate are the report's
            string line = Assert.Single(lines, l => l.StartsWith($"step {r.Step}/8 |", StringComparison.Ordinal));
            Assert.Contains($"| loss {F4(r.Loss)} | lr {TrainingProgressWriter.FormatRate(r.LearningRate)} |", line);
            if (r.Evaluated)
                Assert.Contains($"eval step {r.Step}: train_loss {F4(r.TrainLoss!.Value)} val_loss {F4(r.ValidationLoss!.Value)} ", output.ToString());
            else
                Assert.Null(r.TrainLoss);
        }
    }

    [Fact]
    public void The_gpt_run_logs_evaluations_checkpoints_cancellation_and_resume()
    {
        string directory = temp.File("run");
        var run = GptTrainingRunCancellationTests.NewRun();
        var logger = new RecordingLogger<GptTrainingRun>();
        run.Logger = logger;
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress(r => { if (r.Step == 5) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => run.Train(TextWriter.Null, TextWriter.Null, directory, cancellationToken: cancel.Token, progress: progress));

        Assert.Equal([5, 1, 4], logger.Entries.Select(e => e.EventId).ToArray()); // evaluation 4, checkpoint 5, cancelled
        Assert.Equal($"Checkpoint of step 5 saved to {directory}", logger.Entries[1].Message);
        Assert.Equal("Training cancelled after step 5", logger.Entries[2].Message);

        var resumed = GptTrainingRunCancellationTests.NewRun();
        var resumedLogger = new RecordingLogger<GptTrainingRun>();
        resumed.Logger = resumedLogger;
        resumed.Resume(directory, TrainingCheckpoint.Load(directory));
        resumed.Train(TextWriter.Null, TextWriter.Null, directory);
        Assert.Equal([3, 5, 1, 6], resumedLogger.Entries.Select(e => e.EventId).ToArray()); // resumed, evaluation 8, checkpoint 8, finished
        Assert.Equal($"Resumed from {Path.GetFullPath(directory)} at step 5", resumedLogger.Entries[0].Message);
        Assert.All(resumedLogger.Entries, e => Assert.Equal(LogLevel.Information, e.Level));
    }

    [Fact]
    public void Every_bert_step_is_reported_and_the_last_carries_the_results_losses()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new Trainer(MaskedLanguageModelingTests.Objective(model), MaskedLanguageModelingTests.Options(5), MaskedLanguageModelingTests.Files(model));
        var logger = new RecordingLogger<Trainer>();
        trainer.Logger = logger;
        var progress = new RecordingProgress();
        using var directory = new TempDirectory();
        var result = trainer.Train(new StringWriter(), new StringWriter(), directory.Path, overwrite: true, progress: progress);

        Assert.Equal([1, 2, 3, 4, 5], progress.Reports.Select(r => r.Step));
        var last = Assert.Single(progress.Reports, r => r.Evaluated);
        Assert.Equal((5, result.TrainLoss, result.ValidationLoss), (last.Step, last.TrainLoss!.Value, last.ValidationLoss!.Value));
        Assert.All(progress.Reports, r => Assert.True(double.IsFinite(r.Loss) && r.Tokens > 0 && r.LearningRate > 0));
        Assert.Equal([5, 1, 6], logger.Entries.Select(e => e.EventId).ToArray()); // evaluation, checkpoint, finished
    }

    [Fact]
    public void Skipped_non_finite_steps_are_written_and_logged_as_warnings()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        Array.Fill(model.NamedParameters().First().Parameter.Data, float.NaN); // every batch's loss is NaN
        var options = MaskedLanguageModelingTests.Options(5);
        options.SkipNonFiniteSteps = 2;
        var trainer = new Trainer(MaskedLanguageModelingTests.Objective(model), options);
        var logger = new RecordingLogger<Trainer>();
        trainer.Logger = logger;
        var log = new StringWriter();
        Assert.Throws<TrainingDivergedException>(() => trainer.Train(new StringWriter(), log));

        var skips = logger.Entries.Where(e => e.EventId == 2).ToList();
        Assert.Equal(2, skips.Count);
        Assert.All(skips, e => Assert.Equal(LogLevel.Warning, e.Level));
        foreach (var skip in skips) Assert.Contains(skip.Message["Non-finite step skipped: ".Length..] + "\n", log.ToString());
    }

    /// <summary>A synchronous progress callback (the test cancels from it at a given step).</summary>
    private sealed class CallbackProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
