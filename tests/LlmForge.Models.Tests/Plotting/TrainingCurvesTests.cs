using LlmForge.Plotting;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Samples;
using LlmForge.Tests.Training;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Plotting;

public class TrainingCurvesTests
{
    [Fact]
    public void Read_gives_back_what_the_writer_wrote()
    {
        using var dir = new TempDirectory();
        TrainingMetricsWriterTests.WriteSteps(dir.Path, 1, 8);
        var metrics = TrainingCurves.Read(Path.Combine(dir.Path, TrainingMetricsWriter.FileName));
        Assert.Equal(8, metrics.Count);
        for (int s = 1; s <= 8; s++)
        {
            var p = TrainingMetricsWriterTests.Progress(s);
            Assert.Equal(new TrainingMetric(s, p.Loss, p.LearningRate, p.TrainLoss, p.ValidationLoss), metrics[s - 1]);
        }
    }

    [Fact]
    public void Draw_writes_a_png_and_summarize_names_the_last_loss_and_the_best_validation_step()
    {
        using var dir = new TempDirectory();
        TrainingMetric[] metrics =
        [
            new(1, 3.0, 1e-3, null, null), new(2, 2.5, 1e-3, 2.4, 2.45), new(3, 2.2, 1e-3, null, null),
            new(4, 2.125, 1e-3, 2.1, 2.5),
        ];
        string png = TrainingCurves.Draw(metrics, Path.Combine(dir.Path, "sub", "loss.png"));
        PngFile.AssertValid(png, PngChart.DefaultWidth, PngChart.DefaultHeight);
        Assert.Equal("4 steps | last loss 2.1250 | best val_loss 2.4500 at step 2", TrainingCurves.Summarize(metrics));
        Assert.Equal("1 steps | last loss 3.0000", TrainingCurves.Summarize(metrics[..1]));
        Assert.Throws<ArgumentException>(() => TrainingCurves.Draw([], Path.Combine(dir.Path, "empty.png")));
    }

    [Theory]
    [InlineData("{\"step\":3,\"loss\":", "line 3:")]
    [InlineData("[1,2]", "line 3: expected a JSON object")]
    [InlineData("{\"loss\":2.0}", "line 3: no integer \"step\"")]
    [InlineData("{\"step\":3,\"loss\":\"low\"}", "line 3: \"loss\" is String, not a number")]
    [InlineData("{\"step\":3}", "line 3: no \"loss\"")]
    public void A_bad_line_is_an_error_naming_the_file_and_the_line(string bad, string expected)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "metrics.jsonl");
        File.WriteAllLines(path, ["{\"step\":1,\"loss\":2.0}", "", bad]);
        var e = Assert.Throws<InvalidDataException>(() => TrainingCurves.Read(path));
        Assert.StartsWith($"{path} {expected}", e.Message);
        Assert.Throws<FileNotFoundException>(() => TrainingCurves.Read(Path.Combine(dir.Path, "none.jsonl")));
    }
}
