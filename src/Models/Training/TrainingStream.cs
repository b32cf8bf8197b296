namespace LlmForge.Training;

/// <summary>
/// The three data streams of a run, each its own seeded stream so that when and how often the run evaluates never
/// changes what it trains on. trainer_state.json records each under "samplers" by <see cref="TrainingStreams.Key"/>.
/// </summary>
public enum TrainingStream
{
    /// <summary>The training batches the optimizer steps on.</summary>
    Train,

    /// <summary>Batches of the training text scored by an evaluation (its train_loss).</summary>
    TrainEvaluation,

    /// <summary>Batches of the held-out text scored by an evaluation (its val_loss).</summary>
    Validation,
}

/// <summary>The names trainer_state.json gives the <see cref="TrainingStream"/>s.</summary>
public static class TrainingStreams
{
    /// <summary>Every stream, in the order trainer_state.json lists them.</summary>
    public static IReadOnlyList<TrainingStream> All { get; } = [TrainingStream.Train, TrainingStream.TrainEvaluation, TrainingStream.Validation];

    /// <summary>An objective's three sources by stream; none may be null.</summary>
    /// <exception cref="ArgumentNullException">A source is null.</exception>
    public static Dictionary<TrainingStream, T> Map<T>(T train, T trainEvaluation, T validation) where T : class
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainEvaluation);
        ArgumentNullException.ThrowIfNull(validation);
        return new() { [TrainingStream.Train] = train, [TrainingStream.TrainEvaluation] = trainEvaluation, [TrainingStream.Validation] = validation };
    }

    /// <summary>"train", "train_eval" or "validation": the stream's key under "samplers".</summary>
    public static string Key(TrainingStream stream) => stream switch
    {
        TrainingStream.Train => "train",
        TrainingStream.TrainEvaluation => "train_eval",
        TrainingStream.Validation => "validation",
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "not a training stream"),
    };
}
