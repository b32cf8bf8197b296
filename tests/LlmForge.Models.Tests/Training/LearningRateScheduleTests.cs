using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class LearningRateScheduleTests
{
    // nanoGPT's shakespeare_char config: learning_rate 1e-3, min_lr 1e-4, warmup_iters 100, lr_decay_iters 5000.
    private static readonly LearningRateSchedule NanoGpt = LearningRateSchedule.WarmupCosine(1e-3, 1e-4, 100, 5000);

    [Theory]
    // Expected values: nanoGPT train.py get_lr(it) evaluated in Python.
    [InlineData(0, 9.900990099009901e-06)]      // (0 + 1) / (100 + 1) of the peak
    [InlineData(50, 0.000504950495049505)]
    [InlineData(99, 0.0009900990099009901)]     // last warm-up step
    [InlineData(100, 0.001)]                    // peak: cosine at ratio 0
    [InlineData(1325, 0.0008681980515339464)]   // ratio 1/4
    [InlineData(2550, 0.00055)]                 // ratio 1/2: halfway between max and min
    [InlineData(3775, 0.00023180194846605365)]  // ratio 3/4
    [InlineData(4999, 0.00010000009248900101)]
    [InlineData(5000, 0.0001)]                  // ratio 1: min_lr
    [InlineData(5001, 0.0001)]                  // after lr_decay_iters
    [InlineData(100000, 0.0001)]
    public void WarmupCosine_MatchesNanoGptGetLr(int step, double expected)
    {
        Assert.Equal(expected, NanoGpt.GetLearningRate(step), 1e-15);
    }

    [Fact]
    public void WarmupCosine_RisesThenFallsMonotonically()
    {
        for (int it = 1; it <= 100; it++)
            Assert.True(NanoGpt.GetLearningRate(it) > NanoGpt.GetLearningRate(it - 1), $"step {it}");
        for (int it = 101; it <= 5000; it++)
            Assert.True(NanoGpt.GetLearningRate(it) < NanoGpt.GetLearningRate(it - 1), $"step {it}");
    }

    [Fact]
    public void NoWarmup_StartsAtThePeak()
    {
        var schedule = new WarmupCosineSchedule(6e-4, 6e-5, warmupSteps: 0, decaySteps: 10);
        Assert.Equal(6e-4, schedule.GetLearningRate(0), 1e-18);
        Assert.Equal(6e-5 + 0.5 * (6e-4 - 6e-5), schedule.GetLearningRate(5), 1e-18);
        Assert.Equal(6e-5, schedule.GetLearningRate(10), 1e-18);
    }

    [Fact]
    public void Constant_IsTheSameAtEveryStep()
    {
        var schedule = LearningRateSchedule.Constant(4e-4);
        Assert.All(new[] { 0, 1, 999, int.MaxValue }, s => Assert.Equal(4e-4, schedule.GetLearningRate(s)));
    }

    [Fact]
    public void InvalidSettings_AreRejectedWithTheirNames()
    {
        Assert.Contains("DecaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1e-3, 1e-4, 100, 100)).Message);
        Assert.Contains("MinLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1e-4, 1e-3, 0, 10)).Message);
        Assert.Contains("WarmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1e-3, 0, -1, 10)).Message);
        Assert.Contains("maxLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(double.NaN, 0, 0, 10)).Message);
        Assert.Contains("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLearningRate(-1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NanoGpt.GetLearningRate(-1));
    }
}
