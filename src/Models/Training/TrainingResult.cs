namespace LlmForge.Training;

/// <summary>What <see cref="Trainer.Train"/> ran: the step it ended at and its last evaluation.</summary>
/// <param name="Steps">Optimizer steps done (the run's <see cref="TrainingOptions.MaxSteps"/>).</param>
/// <param name="TrainLoss">The last evaluation's loss on training batches.</param>
/// <param name="ValidationLoss">The last evaluation's loss on validation batches.</param>
/// <param name="Elapsed">Wall time of this call (a resumed run counts from where it resumed).</param>
public sealed record TrainingResult(int Steps, double TrainLoss, double ValidationLoss, TimeSpan Elapsed);
