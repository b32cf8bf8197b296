using Microsoft.Extensions.Logging;

namespace LlmForge.Training;

/// <summary>
/// What the training runs report to an <see cref="ILogger"/>, one compiled message each (no boxing or formatting
/// when the level is off). Event ids are stable, for filters: 1 checkpoint, 2 skipped step, 3 resume, 4 cancelled,
/// 5 evaluation, 6 finished (7, a checkpoint through a callback, is no longer written).
/// </summary>
internal static partial class TrainingLog
{
    /// <summary>A <see cref="NonFiniteGuard.OnSkip"/> that writes the skip's line to <paramref name="log"/> and logs it as a warning.</summary>
    public static Action<string> Skips(TextWriter log, ILogger logger) => message =>
    {
        log.WriteLine(message);
        NonFiniteStepSkipped(logger, message);
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Checkpoint of step {Step} saved to {Directory}")]
    public static partial void CheckpointSaved(ILogger logger, int step, string directory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Non-finite step skipped: {Reason}")]
    public static partial void NonFiniteStepSkipped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Resumed from {Directory} at step {Step}")]
    public static partial void Resumed(ILogger logger, string directory, int step);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Training cancelled after step {Step}")]
    public static partial void Cancelled(ILogger logger, int step);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Evaluation at step {Step}: train loss {TrainLoss}, validation loss {ValidationLoss}")]
    public static partial void Evaluated(ILogger logger, int step, double trainLoss, double validationLoss);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Training finished: {Steps} steps in {Elapsed}")]
    public static partial void Finished(ILogger logger, int steps, TimeSpan elapsed);
}
