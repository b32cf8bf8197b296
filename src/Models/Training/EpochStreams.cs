using LlmForge.Checkpoints;

namespace LlmForge.Training;

/// <summary>
/// The saved state of an objective whose training stream runs in seeded epochs and whose evaluation streams restart at
/// every evaluation (<see cref="SequenceClassification"/>, <see cref="InstructionTuning"/>): the training batches drawn
/// ("step") and the seed; the evaluation streams are written as step 0 so every stream has its keys.
/// </summary>
public static class EpochStreams
{
    /// <summary>The three streams' states for <paramref name="drawn"/> training batches and <paramref name="seed"/>.</summary>
    public static IReadOnlyDictionary<TrainingStream, TrainingStreamState> Capture(long drawn, int seed) => new Dictionary<TrainingStream, TrainingStreamState>
    {
        [TrainingStream.Train] = new([new("step", drawn), new("seed", seed)]),
        [TrainingStream.TrainEvaluation] = new([new("step", 0), new("seed", seed)]),
        [TrainingStream.Validation] = new([new("step", 0), new("seed", seed)]),
    };

    /// <summary>The training batches drawn that <paramref name="states"/> records, checked against this run's <paramref name="seed"/>.</summary>
    /// <exception cref="CheckpointFormatException">The training stream's state is missing, out of range or of another seed.</exception>
    public static long Restore(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source, int seed)
    {
        ArgumentNullException.ThrowIfNull(states);
        var train = CausalLanguageModeling.Saved(states, TrainingStream.Train, source).ToSampler(source, TrainingStreams.Key(TrainingStream.Train));
        if (train.Seed != seed)
            throw new CheckpointFormatException(source, $"key \"samplers.train.seed\" is {train.Seed} but this run's seed is {seed}.");
        return train.Step;
    }
}
