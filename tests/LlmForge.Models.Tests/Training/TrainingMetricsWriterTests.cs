using System.Text.Json;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class TrainingMetricsWriterTests
{
    /// <summary>Step s of a made-up run of 8: loss 3 - s/10, an evaluation every 4 steps, s/100 seconds elapsed.</summary>
    internal static TrainingProgress Progress(int step, double secondsPerStep = 0.01)
    {
        var p = new TrainingProgress(step, 8, 3 - step / 10.0, 1e-3 / step, 64, 6400 + step, TimeSpan.FromSeconds(step * secondsPerStep));
        return step % 4 == 0 ? p with { TrainLoss = 2.5 - step / 100.0, ValidationLoss = 2.6 - step / 100.0 } : p;
    }

    internal static void WriteSteps(string directory, int from, int to, int startStep = 0, string? resumedFrom = null, double secondsPerStep = 0.01)
    {
        using var writer = TrainingMetricsWriter.Open(directory, startStep, resumedFrom);
        for (int s = from; s <= to; s++) writer.Report(Progress(s, secondsPerStep));
        writer.Flush();
    }

    private static string[] Lines(string directory) => File.ReadAllLines(Path.Combine(directory, TrainingMetricsWriter.FileName));

    [Fact]
    public void Each_step_is_one_json_line_with_the_eval_losses_only_on_evaluation_steps()
    {
        using var dir = new TempDirectory();
        WriteSteps(dir.Path, 1, 5);
        string[] lines = Lines(dir.Path);
        Assert.Equal(5, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var expected = Progress(i + 1);
            var root = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(expected.Step, root.GetProperty("step").GetInt32());
            Assert.Equal(expected.Loss, root.GetProperty("loss").GetDouble());
            Assert.Equal(expected.LearningRate, root.GetProperty("lr").GetDouble());
            Assert.Equal(64, root.GetProperty("tokens").GetInt64());
            Assert.Equal(expected.TokensPerSecond, root.GetProperty("tokens_per_second").GetDouble());
            Assert.Equal(expected.Elapsed.TotalSeconds, root.GetProperty("elapsed").GetDouble());
            Assert.Equal(expected.Evaluated, root.TryGetProperty("val_loss", out var val));
            Assert.Equal(expected.Evaluated, root.TryGetProperty("train_loss", out var train));
            if (expected.Evaluated)
                Assert.Equal((expected.TrainLoss, expected.ValidationLoss), (train.GetDouble(), val.GetDouble()));
        }
    }

    [Fact]
    public void Lines_reach_the_file_at_a_flush_and_steps_after_the_last_one_are_dropped()
    {
        using var dir = new TempDirectory();
        using (var writer = TrainingMetricsWriter.Open(dir.Path))
        {
            writer.Report(Progress(1));
            writer.Report(Progress(2));
            Assert.Empty(Lines(dir.Path));
            writer.Flush(); // a checkpoint of step 2
            writer.Report(Progress(3)); // then the run diverges or crashes
        }
        Assert.Equal([TrainingMetricsWriter.Line(Progress(1)), TrainingMetricsWriter.Line(Progress(2))], Lines(dir.Path));
    }

    [Fact]
    public void A_non_finite_loss_is_written_as_null_so_the_line_stays_json()
    {
        Assert.Contains("\"loss\":null", TrainingMetricsWriter.Line(Progress(1) with { Loss = double.NaN }));
        Assert.Contains("\"val_loss\":null", TrainingMetricsWriter.Line(Progress(4) with { ValidationLoss = double.PositiveInfinity }));
    }

    [Fact]
    public void A_resumed_run_keeps_the_steps_up_to_the_resumed_one_and_ends_as_an_uninterrupted_run()
    {
        using var straight = new TempDirectory();
        using var split = new TempDirectory();
        WriteSteps(straight.Path, 1, 8);
        WriteSteps(split.Path, 1, 6); // interrupted after step 6; its last checkpoint is of step 4
        WriteSteps(split.Path, 5, 8, startStep: 4);
        Assert.Equal(Lines(straight.Path), Lines(split.Path));
    }

    [Fact]
    public void A_resume_drops_a_torn_last_line_and_a_new_run_starts_an_empty_file()
    {
        using var dir = new TempDirectory();
        WriteSteps(dir.Path, 1, 3);
        string path = Path.Combine(dir.Path, TrainingMetricsWriter.FileName);
        File.AppendAllText(path, "{\"step\":4,\"lo"); // a crash mid-line
        using (TrainingMetricsWriter.Open(dir.Path, startStep: 4)) { }
        Assert.Equal([1, 2, 3], Lines(dir.Path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32()));
        using (TrainingMetricsWriter.Open(dir.Path)) { }
        Assert.Empty(Lines(dir.Path));
    }

    [Fact]
    public void A_resume_into_another_directory_continues_the_source_file_and_leaves_it_alone()
    {
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        WriteSteps(source.Path, 1, 6);
        string[] before = Lines(source.Path);
        WriteSteps(target.Path, 5, 8, startStep: 4, resumedFrom: source.Path);
        Assert.Equal(before, Lines(source.Path));
        Assert.Equal(before[..4], Lines(target.Path)[..4]);
        Assert.Equal(8, Lines(target.Path).Length);
    }
}
