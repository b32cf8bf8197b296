using System.Globalization;

namespace LlmForge.Checkpoints;

/// <summary>
/// The header rules shared by the GPT-2 and BERT loaders and by their Check methods (one verdict for loading and
/// for <c>llmforge info</c>), and the cap on how many problems a message lists.
/// </summary>
internal static class LoadProblems
{
    /// <summary>How many problems a message lists before "and K more".</summary>
    public const int Shown = 8;

    /// <summary>The first <see cref="Shown"/> problems, then "and K more" when there are others.</summary>
    public static IReadOnlyList<string> Capped(IReadOnlyList<string> problems) =>
        problems.Count <= Shown ? problems : [.. problems.Take(Shown), $"and {problems.Count - Shown} more"];

    /// <summary>A tensor the loader cannot read as float32 (I64, BOOL, …), or null.</summary>
    public static string? DTypeProblem(SafeTensorsEntry entry) => entry.DType.IsReadableAsFloat32() ? null
        : $"tensor '{entry.Name}' is {entry.DType.ToHeaderName()}, which cannot be read as float32 (F32, F16, BF16 and F64 can)";

    /// <summary>
    /// The number of layers <paramref name="canonicalNames"/> hold ("{prefix}{i}." for i = 0 … n−1: the highest index
    /// plus one), or a problem naming <paramref name="key"/> when <paramref name="layers"/> asks for more. Checked
    /// first so that a config.json asking for 100,000 layers is one line, not a list of every missing tensor.
    /// </summary>
    public static string? LayerCountProblem(IEnumerable<string> canonicalNames, string prefix, int layers, string key, string weightsFile)
    {
        int held = 0;
        foreach (string name in canonicalNames)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int end = name.IndexOf('.', prefix.Length);
            if (end > prefix.Length
                && int.TryParse(name.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index < int.MaxValue)
                held = Math.Max(held, index + 1);
        }
        // Only more layers than the file holds is summed up; extra layers in the file are listed tensor by tensor.
        return layers <= held ? null : $"config.json has {key} {layers} but {weightsFile} holds {held} layers";
    }

    /// <summary>"[768, 2304]": a shape as messages show it.</summary>
    public static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The file's dtypes, each once, sorted: what a weights report lists.</summary>
    public static List<string> DTypes(SafeTensorsFile file) =>
        file.Entries.Select(e => e.DType.ToHeaderName()).Distinct().Order(StringComparer.Ordinal).ToList();
}
