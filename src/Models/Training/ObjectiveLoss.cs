using LlmForge.Autograd;

namespace LlmForge.Training;

/// <summary>
/// One micro-batch as an objective scores it (<see cref="ITrainingObjective.NextLoss"/>): its mean loss, the loss's
/// weight in an evaluation's mean, and the tokens it processed.
/// </summary>
/// <param name="Loss">The batch's mean loss, a scalar; its graph is recorded when grad mode is on.</param>
/// <param name="Weight">
/// How much the batch counts in an evaluation's weighted mean Σ loss·weight / Σ weight: 1 for a causal LM (the mean of
/// batch means), the masked-token count for a masked LM (every masked token counts the same), the rows for a classifier.
/// </param>
/// <param name="Tokens">Tokens the batch processed (its B·T), for the throughput figures.</param>
public readonly record struct ObjectiveLoss(Tensor Loss, double Weight, long Tokens);
