using Microsoft.Extensions.Options;

namespace LlmForge.Training;

/// <summary>Checks a <see cref="TrainingOptions"/> at start; every failure names its configuration key.</summary>
public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    private readonly string _section;

    public TrainingOptionsValidator(string section = "LlmForge:Training") => _section = section;

    public ValidateOptionsResult Validate(string? name, TrainingOptions o)
    {
        var errors = new List<string>();
        void Positive(string key, double value) { if (!(value > 0)) errors.Add($"{_section}:{key} must be positive, got {value}."); }
        void NonNegative(string key, double value) { if (!(value >= 0)) errors.Add($"{_section}:{key} must be zero or positive, got {value}."); }
        void Fraction(string key, double value, bool open) { if (!(value >= 0 && (open ? value < 1 : value <= 1))) errors.Add($"{_section}:{key} must be in [0, 1{(open ? ")" : "]")}, got {value}."); }

        Positive(nameof(o.BatchSize), o.BatchSize);
        Positive(nameof(o.GradientAccumulationSteps), o.GradientAccumulationSteps);
        Positive(nameof(o.MaxSteps), o.MaxSteps);
        Positive(nameof(o.LearningRate), o.LearningRate);
        NonNegative(nameof(o.MinLearningRate), o.MinLearningRate);
        if (o.MinLearningRate > o.LearningRate)
            errors.Add($"{_section}:{nameof(o.MinLearningRate)} ({o.MinLearningRate}) must not exceed {_section}:{nameof(o.LearningRate)} ({o.LearningRate}).");
        NonNegative(nameof(o.WarmupSteps), o.WarmupSteps);
        NonNegative(nameof(o.DecaySteps), o.DecaySteps);
        Fraction(nameof(o.Beta1), o.Beta1, open: true);
        Fraction(nameof(o.Beta2), o.Beta2, open: true);
        Positive(nameof(o.Epsilon), o.Epsilon);
        NonNegative(nameof(o.WeightDecay), o.WeightDecay);
        Fraction(nameof(o.Momentum), o.Momentum, open: true);
        NonNegative(nameof(o.GradientClip), o.GradientClip);
        NonNegative(nameof(o.SkipNonFiniteSteps), o.SkipNonFiniteSteps);
        Fraction(nameof(o.ValidationFraction), o.ValidationFraction, open: true);
        Positive(nameof(o.EvalInterval), o.EvalInterval);
        Positive(nameof(o.EvalBatches), o.EvalBatches);
        Positive(nameof(o.LogInterval), o.LogInterval);
        NonNegative(nameof(o.CheckpointInterval), o.CheckpointInterval);
        if (o.Optimizer is not ("adamw" or "sgd"))
            errors.Add($"{_section}:{nameof(o.Optimizer)}: unknown optimizer '{o.Optimizer}'; valid values: adamw, sgd.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
