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
    /// <param name="module">The module whose <c>NamedParameters()</c> are written.</param>
    /// <param name="path">The .safetensors file to write.</param>
    /// <param name="metadata">safetensors string metadata; default format=pt (what torch's safetensors loader expects).</param>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        SafeTensorsWriter.Write(path, Tensors(module), metadata ?? DefaultMetadata);
    }

    /// <summary>format=pt: what torch's safetensors loader expects (transformers refuses safetensors without it).</summary>
    internal static IReadOnlyDictionary<string, string> DefaultMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>Every parameter of <paramref name="module"/> as a tensor to write, under its dotted name.</summary>
    internal static IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> Tensors(Module module) =>
        module.NamedParameters().Select(p => (p.Name, p.Parameter.Shape, (ReadOnlyMemory<float>)p.Parameter.Data));

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/>'s parameters. The file must hold exactly the
    /// module's parameters — same names, same shapes, a float dtype — and only finite values; nothing is changed
    /// unless every tensor passes.
    /// </summary>
    /// <exception cref="CheckpointFormatException">
    /// Missing, unexpected, mis-shaped or non-float tensors (one message naming the file and the first
    /// <see cref="LoadProblems.Shown"/>), or the first tensor holding a NaN or infinity, with its index.
    /// </exception>
    public static void Load(Module module, string path) => Load(module, path, ignored: _ => false, mayBeMissing: _ => false);

    /// <summary>
    /// As <see cref="Load(Module, string)"/>, but the file's tensors that <paramref name="ignored"/> names are not read
    /// (nor reported as unexpected), and the module's parameters that <paramref name="mayBeMissing"/> names keep their
    /// init when the file lacks them (a classifier head fine-tuned from a pretrained encoder).
    /// </summary>
    /// <returns>The parameters left as initialized.</returns>
    internal static List<string> Load(Module module, string path, Func<string, bool> ignored, Func<string, bool> mayBeMissing)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        using var file = SafeTensorsFile.Open(path);
        var problems = HeaderProblems(module, file, ignored, mayBeMissing, out var initialized);
        if (problems.Count > 0)
            throw new CheckpointFormatException(file.FilePath,
                new StringBuilder("does not match the module's parameters: ").AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString());
        // Staged, then copied: a bad value in the last tensor must not leave the model half-overwritten.
        var staged = new List<(Autograd.Tensor Parameter, float[] Values)>();
        foreach (var (name, parameter) in module.NamedParameters())
        {
            if (!file.Contains(name) || ignored(name)) continue; // left initialized, as HeaderProblems allowed
            var values = file.ReadFloat32(name);
            TensorValues.ThrowIfNonFinite(file.FilePath, name, values);
            staged.Add((parameter, values));
        }
        foreach (var (parameter, values) in staged)
            values.CopyTo(parameter.Data, 0);
        return initialized;
    }

    /// <summary>
    /// What a state dict shows without its module (whose names and shapes only the kinds that build it know): every
    /// tensor a float dtype and, with <paramref name="allValues"/>, the first one holding a NaN or infinity.
    /// </summary>
    internal static List<string> FileProblems(SafeTensorsFile file, bool allValues)
    {
        var problems = file.Entries.Select(LoadProblems.DTypeProblem).OfType<string>().ToList();
        if (problems.Count > 0 || !allValues) return problems;
        foreach (var entry in file.Entries)
        {
            if (TensorValues.NonFiniteProblem(entry.Name, file.ReadFloat32(entry.Name)) is not { } problem) continue;
            problems.Add(problem);
            break; // the first bad tensor is the verdict; reading on would only repeat it
        }
        return problems;
    }

    /// <summary>Names, shapes and dtypes from the header: missing and mis-shaped tensors in parameter order, then unexpected ones.</summary>
    private static List<string> HeaderProblems(Module module, SafeTensorsFile file, Func<string, bool> ignored, Func<string, bool> mayBeMissing,
        out List<string> initialized)
    {
        var problems = new List<string>();
        initialized = [];
        var unseen = file.Entries.Where(e => !ignored(e.Name)).ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, parameter) in module.NamedParameters())
        {
            if (!unseen.Remove(name, out var entry))
            {
                if (mayBeMissing(name)) initialized.Add(name);
                else problems.Add($"missing tensor '{name}' {LoadProblems.Shape(parameter.Shape)}");
            }
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
