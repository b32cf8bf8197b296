using System.Text;
using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary>
/// A module's state dict as a safetensors file: every <see cref="Module.NamedParameters"/> entry under its own
/// dotted name ("trf_blocks.0.norm1.scale"), F32, in registration order — the generic save and load for any
/// <see cref="Module"/>, a user's own included. Tied weights are one tensor (under the first name, as
/// NamedParameters gives them). Modules hold no buffers (masks, rotary tables are recomputed), so parameters are the
/// whole state.
/// </summary>
public static class StateDict
{
    /// <summary>Writes every parameter of <paramref name="module"/> to <paramref name="path"/>, atomically (the old file stays intact unless the write succeeds).</summary>
    /// <param name="metadata">safetensors string metadata; default format=pt (what torch's safetensors loader expects).</param>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        SafeTensorsWriter.Write(path,
            module.NamedParameters().Select(p => (p.Name, p.Parameter.Shape, (ReadOnlyMemory<float>)p.Parameter.Data)),
            metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/>'s parameters. The file must hold exactly the
    /// module's parameters — same names, same shapes, a float dtype — and only finite values; nothing is changed
    /// unless every tensor passes.
    /// </summary>
    /// <exception cref="CheckpointFormatException">
    /// Missing, unexpected, mis-shaped or non-float tensors (one message naming the file and the first
    /// <see cref="LoadProblems.Shown"/>), or the first tensor holding a NaN or infinity, with its index.
    /// </exception>
    public static void Load(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        using var file = SafeTensorsFile.Open(path);
        ThrowIfMismatched(module, file);
        // Staged, then copied: a bad value in the last tensor must not leave the model half-overwritten.
        var staged = new List<(Autograd.Tensor Parameter, float[] Values)>();
        foreach (var (name, parameter) in module.NamedParameters())
        {
            var values = file.ReadFloat32(name);
            TensorValues.ThrowIfNonFinite(file.FilePath, name, values);
            staged.Add((parameter, values));
        }
        foreach (var (parameter, values) in staged)
            values.CopyTo(parameter.Data, 0);
    }

    /// <exception cref="CheckpointFormatException">The header does not match <paramref name="module"/>'s parameters (the problems, capped, in one message).</exception>
    internal static void ThrowIfMismatched(Module module, SafeTensorsFile file)
    {
        var problems = HeaderProblems(module, file);
        if (problems.Count > 0)
            throw new CheckpointFormatException(file.FilePath,
                new StringBuilder("does not match the module's parameters: ").AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString());
    }

    /// <summary>Names, shapes and dtypes from the header: missing and mis-shaped tensors in parameter order, then unexpected ones.</summary>
    internal static List<string> HeaderProblems(Module module, SafeTensorsFile file)
    {
        var problems = new List<string>();
        var unseen = file.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, parameter) in module.NamedParameters())
        {
            if (!unseen.Remove(name, out var entry))
                problems.Add($"missing tensor '{name}' {LoadProblems.Shape(parameter.Shape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(parameter.Shape))
                problems.Add($"tensor '{name}' has shape {LoadProblems.Shape(entry.Shape)} but the module expects {LoadProblems.Shape(parameter.Shape)}");
            else if (LoadProblems.DTypeProblem(entry) is { } dtype)
                problems.Add(dtype);
        }
        foreach (var entry in file.Entries.Where(e => unseen.ContainsKey(e.Name)))
            problems.Add($"unexpected tensor '{entry.Name}' {LoadProblems.Shape(entry.Shape)}");
        return problems;
    }

}
