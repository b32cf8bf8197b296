using LlmForge.Checkpoints;

namespace LlmForge.Training;

/// <summary>
/// The saved position of a training stream that runs in seeded epochs of batches (<see cref="SequenceClassification"/>,
/// <see cref="SequenceToSequence"/>): the batches drawn, which fix the epoch and the batch, under "samplers.train" as
/// "step" and "seed".
/// </summary>
internal static class EpochStream
{
    /// <summary>The batches drawn that <paramref name="states"/> saved for the training stream, whose seed must be <paramref name="seed"/>.</summary>
    /// <exception cref="CheckpointFormatException">The stream's state is missing, malformed, or of another seed (naming <paramref name="source"/>).</exception>
    public static long RestoreDrawn(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source, int seed)
    {
        ArgumentNullException.ThrowIfNull(states);
        var train = CausalLanguageModeling.Saved(states, TrainingStream.Train, source).ToSampler(source, TrainingStreams.Key(TrainingStream.Train));
        if (train.Seed != seed)
            throw new CheckpointFormatException(source, $"key \"samplers.train.seed\" is {train.Seed} but this run's seed is {seed}.");
        return train.Step;
    }
}
