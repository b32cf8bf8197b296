using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class TrainingOptionsValidatorTests
{
    private static string? Fail(Action<TrainingOptions> change)
    {
        var o = new TrainingOptions();
        change(o);
        var result = new TrainingOptionsValidator().Validate(null, o);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Defaults_are_valid() => Assert.Null(Fail(_ => { }));

    [Theory]
    [InlineData("BatchSize")]
    [InlineData("MaxSteps")]
    [InlineData("LearningRate")]
    [InlineData("EvalInterval")]
    public void Non_positive_sizes_name_the_key(string key)
    {
        string? message = Fail(o => typeof(TrainingOptions).GetProperty(key)!.SetValue(o,
            Convert.ChangeType(0, typeof(TrainingOptions).GetProperty(key)!.PropertyType)));
        Assert.NotNull(message);
        Assert.Contains($"LlmForge:Training:{key}", message);
    }

    [Fact]
    public void Unknown_optimizer_lists_the_valid_ones()
    {
        string? message = Fail(o => o.Optimizer = "adam");
        Assert.Contains("LlmForge:Training:Optimizer", message);
        Assert.Contains("adamw, sgd", message);
    }

    [Fact]
    public void Unknown_window_start_lists_the_valid_ones()
    {
        Assert.Null(Fail(o => o.WindowStart = "line"));
        string? message = Fail(o => o.WindowStart = "lines");
        Assert.Contains("LlmForge:Training:WindowStart", message);
        Assert.Contains("any, line", message);
        Assert.DoesNotContain('\n', message!);
    }

    [Fact]
    public void Beta_outside_the_unit_interval_is_rejected() =>
        Assert.Contains("LlmForge:Training:Beta2", Fail(o => o.Beta2 = 1f));

    /// <summary>Every numeric setting has an upper bound too, and NaN is never in range (item 11, 17).</summary>
    [Theory]
    [InlineData("BatchSize", 2_000_000_000, "LlmForge:Training:BatchSize 2000000000 is out of range [1, 1048576].")]
    [InlineData("GradientAccumulationSteps", 100_000, "LlmForge:Training:GradientAccumulationSteps 100000 is out of range [1, 65536].")]
    [InlineData("MaxSteps", 2_000_000_000, "LlmForge:Training:MaxSteps 2000000000 is out of range [1, 1000000000].")]
    [InlineData("WarmupSteps", 2_000_000_000, "LlmForge:Training:WarmupSteps 2000000000 is out of range [0, 1000000000].")]
    [InlineData("EvalInterval", 2_000_000_000, "LlmForge:Training:EvalInterval 2000000000 is out of range [1, 1000000000].")]
    [InlineData("EvalBatches", 200_000, "LlmForge:Training:EvalBatches 200000 is out of range [1, 100000].")]
    [InlineData("LogInterval", 0, "LlmForge:Training:LogInterval 0 is out of range [1, 1000000000].")]
    [InlineData("LearningRate", float.PositiveInfinity, "LlmForge:Training:LearningRate Infinity is out of range (0, 1000000].")]
    [InlineData("LearningRate", float.NaN, "LlmForge:Training:LearningRate NaN is out of range (0, 1000000].")]
    [InlineData("Epsilon", float.NaN, "LlmForge:Training:Epsilon NaN is out of range (0, 1].")]
    [InlineData("WeightDecay", 1000f, "LlmForge:Training:WeightDecay 1000 is out of range [0, 10].")]
    [InlineData("GradientClip", float.PositiveInfinity, "LlmForge:Training:GradientClip Infinity is out of range [0, 1000000] (0 = no clipping).")]
    [InlineData("ValidationFraction", 0f, "LlmForge:Training:ValidationFraction 0 is out of range (0, 1).")]
    [InlineData("ValidationFraction", float.NaN, "LlmForge:Training:ValidationFraction NaN is out of range (0, 1).")]
    public void Out_of_range_values_name_the_key_the_value_and_the_range(string key, object value, string message)
    {
        var property = typeof(TrainingOptions).GetProperty(key)!;
        Assert.Equal(message, Fail(o => property.SetValue(o, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Minimum_rate_above_the_peak_is_rejected() =>
        Assert.Contains("MinLearningRate", Fail(o => o.MinLearningRate = 1f));
}
