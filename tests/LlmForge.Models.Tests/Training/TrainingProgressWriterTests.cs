using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class TrainingProgressWriterTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class FakeClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void StepLines_ShowLossLrThroughputElapsedAndEta()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new TrainingProgressWriter(output, totalSteps: 2000, logInterval: 10, clock: clock);

        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(progress.ReportStep(1, 10.98765, 9.8e-4, 4096)); // the first step always prints
        for (int step = 2; step <= 20; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            bool printed = progress.ReportStep(step, 2.34124, 9.8e-4, 4096);
            Assert.Equal(step is 10 or 20, printed);
        }

        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        // 4096 tokens in 0.5 s; after 1 of 2000 steps at 0.5 s/step, 1999 · 0.5 s = 16:39.5 remain (halves round up).
        Assert.Equal("step 1/2000 | loss 10.9877 | lr 9.80e-04 | 8192 tok/s | elapsed 0:01 | eta 16:40", lines[0]);
        // Steps 2..10: 9 · 4096 tokens over 4.5 s; 5 s elapsed.
        Assert.Equal("step 10/2000 | loss 2.3412 | lr 9.80e-04 | 8192 tok/s | elapsed 0:05 | eta 16:35", lines[1]);
        Assert.Equal("step 20/2000 | loss 2.3412 | lr 9.80e-04 | 8192 tok/s | elapsed 0:10 | eta 16:30", lines[2]);
    }

    [Fact]
    public void TokensPerSecond_IsMeasuredOverTheIntervalOnly()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new TrainingProgressWriter(output, totalSteps: 100, logInterval: 2, clock: clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        progress.ReportStep(1, 1, 1e-3, 1000); // slow first step: 100 tok/s
        clock.Advance(TimeSpan.FromSeconds(1));
        progress.ReportStep(2, 1, 1e-3, 1000); // then 1000 tokens in 1 s
        var lines = Lines(output);
        Assert.Contains("| 100 tok/s |", lines[0]);
        Assert.Contains("| 1000 tok/s |", lines[1]);
    }

    [Fact]
    public void ResumedRun_EtaUsesOnlyThisRunsSteps_AndLastStepPrints()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new TrainingProgressWriter(output, totalSteps: 1000, logInterval: 100, startStep: 900, clock: clock);
        for (int step = 901; step <= 1000; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1.5));
            progress.ReportStep(step, 1.5, 1e-4, 100);
        }
        progress.ReportDone(1000);
        var lines = Lines(output);
        Assert.Equal("step 901/1000 | loss 1.5000 | lr 1.00e-04 | 67 tok/s | elapsed 0:02 | eta 2:29", lines[0]);
        Assert.Equal("step 1000/1000 | loss 1.5000 | lr 1.00e-04 | 67 tok/s | elapsed 2:30 | eta 0:00", lines[1]);
        Assert.Equal("done: 100 steps in 2:30 | 67 tok/s average", lines[2]);
    }

    [Fact]
    public void EvalLine_ShowsLossesAndPerplexity()
    {
        var output = new StringWriter();
        var progress = new TrainingProgressWriter(output, totalSteps: 2000, clock: new FakeClock());
        progress.ReportEval(250, 2.1, 2.15);
        Assert.Equal("eval step 250: train_loss 2.1000 val_loss 2.1500 val_ppl 8.58", Lines(output)[0]); // e^2.15 = 8.5849
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(42, "0:42")]
    [InlineData(663, "11:03")]
    [InlineData(3599.4, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(90061, "25:01:01")]
    public void FormatDuration(double seconds, string expected)
    {
        Assert.Equal(expected, TrainingProgressWriter.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void FormatRateAndThroughput()
    {
        Assert.Equal("9.80e-04", TrainingProgressWriter.FormatRate(9.8e-4));
        Assert.Equal("6.00e-05", TrainingProgressWriter.FormatRate(6e-5));
        Assert.Equal("1.00e+00", TrainingProgressWriter.FormatRate(1));
        Assert.Equal("1234", TrainingProgressWriter.FormatTokensPerSecond(2468, TimeSpan.FromSeconds(2)));
        Assert.Equal("-", TrainingProgressWriter.FormatTokensPerSecond(2468, TimeSpan.Zero));
    }

    [Fact]
    public void OutOfRangeSteps_AreRejected()
    {
        var progress = new TrainingProgressWriter(new StringWriter(), totalSteps: 10, startStep: 5, clock: new FakeClock());
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.ReportStep(5, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.ReportStep(11, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingProgressWriter(new StringWriter(), totalSteps: 0));
    }
}
