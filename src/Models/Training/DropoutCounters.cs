using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Training;

/// <summary>
/// Saves and restores the mask counters of a model's dropout layers. A <see cref="Dropout"/> draws mask
/// <c>SplitMix64.DeriveSeed(Seed, Calls++)</c>, so a resumed run reproduces the masks of an uninterrupted one only if
/// every layer's <see cref="Dropout.Calls"/> is put back; the seeds come from the model seed and are checked.
/// </summary>
public static class DropoutCounters
{
    /// <summary>Every dropout module of <paramref name="model"/> by dotted name, with its seed and call count.</summary>
    public static Dictionary<string, DropoutState> Capture(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var states = new Dictionary<string, DropoutState>(StringComparer.Ordinal);
        foreach (var (name, module) in model.NamedModules())
            if (module is Dropout dropout) states[name] = new DropoutState(dropout.Seed, dropout.Calls);
        return states;
    }

    /// <summary>
    /// Sets every dropout module's <see cref="Dropout.Calls"/> from <paramref name="states"/>. The saved modules must be
    /// exactly the model's, with the same seeds; otherwise it throws naming <paramref name="source"/> and the module.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A module is missing, unexpected, or has another seed.</exception>
    public static void Restore(Module model, IReadOnlyDictionary<string, DropoutState> states, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(states);
        var dropouts = model.NamedModules().Where(m => m.Module is Dropout).ToDictionary(m => m.Name, m => (Dropout)m.Module, StringComparer.Ordinal);
        // check everything before changing anything, so a bad file leaves the model as it was
        foreach (var (name, dropout) in dropouts)
        {
            if (!states.TryGetValue(name, out var saved))
                throw new CheckpointFormatException(source, $"key \"dropout\" has no entry for the model's dropout module '{name}'.");
            if (saved.Seed != dropout.Seed)
                throw new CheckpointFormatException(source,
                    $"key \"dropout.{name}.seed\" is {saved.Seed} but the model's layer has seed {dropout.Seed}: the model was built with another seed.");
            if (saved.Calls < 0)
                throw new CheckpointFormatException(source, $"key \"dropout.{name}.calls\" must be zero or positive, got {saved.Calls}.");
        }
        foreach (string name in states.Keys)
            if (!dropouts.ContainsKey(name))
                throw new CheckpointFormatException(source, $"key \"dropout\" names '{name}', which is not a dropout module of the model.");
        foreach (var (name, dropout) in dropouts) dropout.Calls = states[name].Calls;
    }
}
