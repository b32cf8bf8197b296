namespace LlmForge.Training;

/// <summary>
/// One optimizer step of a training run, as an <see cref="IProgress{T}"/> of <see cref="TrainingProgress"/> receives it:
/// reported once per step, after the step's evaluation when one ran (then <see cref="ValidationLoss"/> is set).
/// </summary>
/// <param name="Step">Optimizer steps done, 1..<paramref name="MaxSteps"/>.</param>
/// <param name="MaxSteps">The step the run ends at (<see cref="TrainingOptions.MaxSteps"/>).</param>
/// <param name="Loss">The step's mean training loss (over its gradient-accumulation micro-batches).</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="Tokens">Tokens the step processed (batch × sequence × accumulation steps).</param>
/// <param name="TokensPerSecond">Average throughput of this run so far (a resumed run counts from where it resumed); 0 before any time has passed.</param>
/// <param name="Elapsed">Wall time of this run when the step ended (before its evaluation).</param>
public readonly record struct TrainingProgress(int Step, int MaxSteps, double Loss, double LearningRate, long Tokens, double TokensPerSecond, TimeSpan Elapsed)
{
    /// <summary>The evaluation's loss on training batches, when this step evaluated; else null.</summary>
    public double? TrainLoss { get; init; }

    /// <summary>The evaluation's loss on validation batches, when this step evaluated; else null.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The evaluation's other scores (a translator's bleu and chrf, <see cref="IScoredObjective"/>), when this step evaluated; else null.</summary>
    public IReadOnlyList<EvaluationScore>? Scores { get; init; }

    /// <summary>Whether an evaluation ran after this step.</summary>
    public bool Evaluated => ValidationLoss is not null;
}
