using LlmForge.Checkpoints;
using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// Where one data stream of a run is, as named integers in a fixed order (a sampler's step and seed; a data loader's
/// epoch, batch index, seed; a masking stream's draw count): what an objective needs to continue the stream exactly.
/// trainer_state.json writes each stream as an object of these numbers, so a new objective brings its own keys.
/// </summary>
/// <remarks>Two states are equal when they hold the same keys with the same values in the same order.</remarks>
public sealed record TrainingStreamState
{
    /// <param name="values">The stream's numbers by key, in the order they are written.</param>
    public TrainingStreamState(IEnumerable<KeyValuePair<string, long>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = [.. values];
    }

    /// <summary>The stream's numbers by key, in the order they are written.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Values { get; }

    /// <summary>The value of <paramref name="key"/>; <paramref name="source"/> names the file in the error.</summary>
    /// <exception cref="CheckpointFormatException">No such key.</exception>
    public long Get(string key, string source, string stream)
    {
        foreach (var (name, value) in Values)
            if (name == key) return value;
        throw new CheckpointFormatException(source, $"required key \"samplers.{stream}.{key}\" is missing.");
    }

    /// <summary>The state of a <see cref="RandomWindowSampler"/>: "step", "seed" (the layout GPT checkpoints have always had).</summary>
    public static TrainingStreamState Of(RandomWindowSamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new([new("step", state.Step), new("seed", state.Seed)]);
    }

    /// <summary>
    /// The state of an <see cref="MlmBatchSource"/>: "step" (batches drawn, which also places the masking stream),
    /// then its loader's "epoch", "batch_index", "seed" and "batches_per_epoch".
    /// </summary>
    public static TrainingStreamState Of(MlmBatchSourceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new([new("step", state.Step), new("epoch", state.Windows.Epoch), new("batch_index", state.Windows.BatchIndex),
            new("seed", state.Windows.Seed), new("batches_per_epoch", state.Windows.BatchesPerEpoch)]);
    }

    /// <summary>Reads back <see cref="Of(RandomWindowSamplerState)"/>.</summary>
    /// <exception cref="CheckpointFormatException">A key is missing or out of range, named with <paramref name="source"/>.</exception>
    public RandomWindowSamplerState ToSampler(string source, string stream) =>
        new(NonNegative("step", source, stream), Int("seed", source, stream));

    /// <summary>Reads back <see cref="Of(MlmBatchSourceState)"/>.</summary>
    /// <exception cref="CheckpointFormatException">A key is missing or out of range, named with <paramref name="source"/>.</exception>
    public MlmBatchSourceState ToMlmSource(string source, string stream) =>
        new(new DataLoaderState(Int("epoch", source, stream), Int("batch_index", source, stream), Int("seed", source, stream),
            Int("batches_per_epoch", source, stream)), NonNegative("step", source, stream));

    private long NonNegative(string key, string source, string stream)
    {
        long value = Get(key, source, stream);
        return value >= 0 ? value : throw new CheckpointFormatException(source, $"key \"samplers.{stream}.{key}\" must be zero or positive, got {value}.");
    }

    private int Int(string key, string source, string stream)
    {
        long value = Get(key, source, stream);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw new CheckpointFormatException(source, $"key \"samplers.{stream}.{key}\" must be a 32-bit integer, got {value}.");
    }

    /// <summary>Same keys, same values, same order.</summary>
    public bool Equals(TrainingStreamState? other) => other is not null && Values.SequenceEqual(other.Values);

    /// <summary>A hash of the keys and values.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Values) { hash.Add(key); hash.Add(value); }
        return hash.ToHashCode();
    }
}
