namespace LlmForge.Plotting;

/// <summary>One line of a run's metrics.jsonl: a training step's loss and learning rate, and its evaluation's losses when it ran one.</summary>
/// <param name="Step">The optimizer step.</param>
/// <param name="Loss">The step's training loss (NaN when the file has null).</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="TrainLoss">The evaluation's loss on training batches, on evaluation steps.</param>
/// <param name="ValidationLoss">The evaluation's loss on validation batches, on evaluation steps.</param>
public sealed record TrainingMetric(int Step, double Loss, double LearningRate, double? TrainLoss, double? ValidationLoss);
