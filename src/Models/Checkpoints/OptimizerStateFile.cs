using LlmForge.Layers;
using LlmForge.Training.Optimizers;

namespace LlmForge.Checkpoints;

/// <summary>
/// <c>optimizer.safetensors</c>: an optimizer's per-parameter state (AdamW's exp_avg and exp_avg_sq, SGD's
/// momentum_buffer) as F32 tensors named "{parameter}.{state}" in the parameter's shape, with the optimizer's name and
/// step count in the metadata. Written atomically; the step count itself is restored from trainer_state.json.
/// </summary>
public static class OptimizerStateFile
{
    /// <summary>
    /// The file's name in a training checkpoint directory, beside model.safetensors and trainer_state.json.
    /// </summary>
    public const string FileName = "optimizer.safetensors";

    /// <summary>Writes <paramref name="optimizer"/>'s state; <paramref name="model"/> gives each parameter's shape.</summary>
    public static void Save(string path, IOptimizer optimizer, string optimizerName, Module model)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        var shapes = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape, StringComparer.Ordinal);
        var tensors = optimizer.State().Select(s =>
        {
            // "{parameter}.{state}": state names have no dot, parameter names do
            string parameter = s.Name[..s.Name.LastIndexOf('.')];
            int[] shape = shapes.TryGetValue(parameter, out var known) && known.Aggregate(1L, (n, d) => n * d) == s.Values.Length
                ? known
                : [s.Values.Length];
            return (s.Name, shape, (ReadOnlyMemory<float>)s.Values);
        });
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["optimizer"] = optimizerName,
            ["step"] = optimizer.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>
    /// Restores <paramref name="optimizer"/>'s state from <paramref name="path"/> and sets its step count to
    /// <paramref name="step"/>. The file must be of the same optimizer and hold exactly its tensors.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">Another optimizer, a missing, unexpected or mis-sized tensor.</exception>
    public static void Load(string path, IOptimizer optimizer, string optimizerName, int step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no {FileName} in the checkpoint directory (the optimizer state is needed to resume).", path);
        using var file = SafeTensorsFile.Open(path);
        if (file.Metadata.TryGetValue("optimizer", out string? saved) && saved != optimizerName)
            throw new CheckpointFormatException(path, $"metadata \"optimizer\" is '{saved}' but the run's optimizer is '{optimizerName}'.");
        var expected = optimizer.State().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (file.Entries.FirstOrDefault(e => !expected.Contains(e.Name)) is { } extra)
            throw new CheckpointFormatException(path, $"unexpected tensor '{extra.Name}': the checkpoint is of another model.");
        try
        {
            optimizer.LoadState(step, name => file.Contains(name) ? file.ReadFloat32(name) : null);
        }
        catch (InvalidDataException e) // LoadState's "missing" / "mis-sized": name the file
        {
            throw new CheckpointFormatException(path, e.Message, e);
        }
    }
}
