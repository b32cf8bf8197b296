namespace LlmForge.Training;

/// <summary>
/// A training run stopped because a loss, the gradient norm or a tensor about to be saved was NaN or infinite
/// (<see cref="NonFiniteGuard"/>). Nothing of the failing step was saved: the last checkpoint is as it was.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <param name="step">The optimizer step (1-based) whose value was not finite.</param>
    /// <param name="quantity">What was not finite.</param>
    /// <param name="message">The one line for the user: the step, the value, and the settings to change.</param>
    public TrainingDivergedException(int step, string quantity, string message) : base(message)
    {
        Step = step;
        Quantity = quantity;
    }

    /// <summary>The optimizer step (1-based) whose value was not finite.</summary>
    public int Step { get; }

    /// <summary>What was not finite: "loss", "gradient norm", or the tensor's name ("parameter 'out_head.weight'").</summary>
    public string Quantity { get; }
}
