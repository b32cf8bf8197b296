namespace LlmForge.Training;

/// <summary>
/// An objective whose evaluations score more than the loss — a translator's BLEU and chrF on its validation split
/// (<see cref="SequenceToSequence"/>). The <see cref="Trainer"/> asks for the scores after each evaluation's losses,
/// prints them on an <c>eval step N:</c> line and passes them on in <see cref="TrainingProgress.Scores"/> (so
/// metrics.jsonl records them beside val_loss).
/// </summary>
public interface IScoredObjective : ITrainingObjective
{
    /// <summary>The scores of the model as it is now; called in eval mode, without a graph.</summary>
    /// <param name="cancellationToken">Checked between batches.</param>
    IReadOnlyList<EvaluationScore> Score(CancellationToken cancellationToken = default);
}

/// <summary>One score of an evaluation: its name as metrics.jsonl and the progress line give it ("bleu", "chrf") and its value.</summary>
public readonly record struct EvaluationScore(string Name, double Value);
