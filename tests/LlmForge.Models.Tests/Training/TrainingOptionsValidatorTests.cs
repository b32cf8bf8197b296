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
    public void Beta_outside_the_unit_interval_is_rejected() =>
        Assert.Contains("LlmForge:Training:Beta2", Fail(o => o.Beta2 = 1f));

    [Fact]
    public void Minimum_rate_above_the_peak_is_rejected() =>
        Assert.Contains("MinLearningRate", Fail(o => o.MinLearningRate = 1f));
}
