using LlmForge.Hosting;
using Microsoft.Extensions.Options;

namespace LlmForge.Training;

/// <summary>
/// Checks a <see cref="TrainingOptions"/> at start; every failure names its configuration key and its range. The
/// upper bounds keep every count and product the run computes inside an int and every rate finite: a batch of two
/// billion rows would otherwise fail as an arithmetic overflow deep in the data pipeline.
/// </summary>
public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    /// <summary>Most rows of one micro-batch.</summary>
    public const int MaxBatchSize = 1 << 20;

    /// <summary>Most micro-batches of one optimizer step (each is kept until the step is taken).</summary>
    public const int MaxGradientAccumulationSteps = 1 << 16;

    /// <summary>Most steps (and step intervals) of a run.</summary>
    public const int MaxSteps = 1_000_000_000;

    /// <summary>Most batches averaged by one evaluation.</summary>
    public const int MaxEvalBatches = 100_000;

    /// <summary>Largest learning rate; above it no optimizer converges, and lr · gradient leaves float range.</summary>
    public const double MaxLearningRate = 1e6;

    /// <summary>Largest decoupled weight decay: it multiplies a weight by 1 − lr·decay each step; past 10 it only flips signs.</summary>
    public const float MaxWeightDecay = 10;

    private readonly string _section;

    /// <param name="section">The section's configuration path, prefixed to every key a message names.</param>
    public TrainingOptionsValidator(string section = "LlmForge:Training") => _section = section;

    /// <summary>Every out-of-range or inconsistent key of <paramref name="o"/>, each named with its section and value.</summary>
    public ValidateOptionsResult Validate(string? name, TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        string Key(string setting) => $"{_section}:{setting}";
        void Count(string setting, long value, long min, long max, string? note = null) => SettingRange.Check(errors, Key(setting), value, min, max, note);
        void Real(string setting, float value, double min, double max, bool minOpen = false, bool maxOpen = false, string? note = null) =>
            SettingRange.Check(errors, Key(setting), value, min, max, minOpen, maxOpen, note);

        Count(nameof(o.BatchSize), o.BatchSize, 1, MaxBatchSize);
        Count(nameof(o.GradientAccumulationSteps), o.GradientAccumulationSteps, 1, MaxGradientAccumulationSteps);
        Count(nameof(o.MaxSteps), o.MaxSteps, 1, MaxSteps);
        Real(nameof(o.LearningRate), o.LearningRate, 0, MaxLearningRate, minOpen: true);
        Real(nameof(o.MinLearningRate), o.MinLearningRate, 0, MaxLearningRate);
        if (o.MinLearningRate > o.LearningRate)
            errors.Add($"{Key(nameof(o.MinLearningRate))} ({o.MinLearningRate}) must not exceed {Key(nameof(o.LearningRate))} ({o.LearningRate}).");
        Count(nameof(o.WarmupSteps), o.WarmupSteps, 0, MaxSteps);
        Count(nameof(o.DecaySteps), o.DecaySteps, 0, MaxSteps, note: "0 = MaxSteps");
        Real(nameof(o.Beta1), o.Beta1, 0, 1, maxOpen: true);
        Real(nameof(o.Beta2), o.Beta2, 0, 1, maxOpen: true);
        Real(nameof(o.Epsilon), o.Epsilon, 0, 1, minOpen: true);
        Real(nameof(o.WeightDecay), o.WeightDecay, 0, MaxWeightDecay);
        Real(nameof(o.Momentum), o.Momentum, 0, 1, maxOpen: true);
        Real(nameof(o.GradientClip), o.GradientClip, 0, 1e6, note: "0 = no clipping");
        Count(nameof(o.SkipNonFiniteSteps), o.SkipNonFiniteSteps, 0, MaxSteps, note: "0 = stop at the first non-finite step");
        // Both parts must exist: the run trains on the head and reports the loss of the tail.
        Real(nameof(o.ValidationFraction), o.ValidationFraction, 0, 1, minOpen: true, maxOpen: true);
        Count(nameof(o.EvalInterval), o.EvalInterval, 1, MaxSteps);
        Count(nameof(o.EvalBatches), o.EvalBatches, 1, MaxEvalBatches);
        Count(nameof(o.LogInterval), o.LogInterval, 1, MaxSteps);
        Count(nameof(o.CheckpointInterval), o.CheckpointInterval, 0, MaxSteps, note: "0 = at the end only");
        if (o.Optimizer is not ("adamw" or "sgd"))
            errors.Add($"{Key(nameof(o.Optimizer))}: unknown optimizer '{o.Optimizer}'; valid values: adamw, sgd.");
        if (o.WindowStart is not (TrainingOptions.AnyWindowStart or TrainingOptions.LineWindowStart))
            errors.Add($"{Key(nameof(o.WindowStart))}: unknown window start '{o.WindowStart}'; valid values: {TrainingOptions.AnyWindowStart}, {TrainingOptions.LineWindowStart}.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
