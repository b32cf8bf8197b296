using LlmForge.Checkpoints;

namespace LlmForge.Cli.Hosting;

/// <summary>What a model.safetensors header holds compared with the tensors its config.json asks for.</summary>
public sealed record WeightsReport(string Path, int Tensors, long Parameters, IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems)
{
    public bool Matches => Problems.Count == 0;
}

/// <summary>
/// Checks model.safetensors against config.json from the header alone (names and shapes, no weights read):
/// the same rules as <see cref="Gpt2Checkpoint.Load(string, Backends.ITensorBackend, int)"/> — HF names with
/// or without "transformer.", old attn.bias buffers ignored, a tied model may carry lm_head.weight.
/// </summary>
public static class WeightsCheck
{
    public static WeightsReport Check(string path, GptConfig config)
    {
        using var file = SafeTensorsFile.Open(path);
        var expected = Gpt2TensorNames.Expected(config).ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long parameters = 0;
        int tensors = 0;
        foreach (var entry in file.Entries)
        {
            if (Gpt2TensorNames.IsIgnoredBuffer(entry.Name)) continue;
            tensors++;
            parameters += entry.ElementCount;
            string name = Gpt2TensorNames.Canonicalize(entry.Name);
            if (!seen.Add(name))
                problems.Add($"tensor '{entry.Name}' appears twice (with and without the 'transformer.' prefix)");
            else if (config.TieWeights && name == Gpt2TensorNames.LmHead)
            {
                parameters -= entry.ElementCount; // the tied copy of wte
                if (!entry.Shape.SequenceEqual([config.VocabSize, config.EmbeddingDim]))
                    problems.Add($"tensor '{entry.Name}' has shape {Format(entry.Shape)} but the model expects {Format([config.VocabSize, config.EmbeddingDim])}");
            }
            else if (!expected.TryGetValue(name, out var shape))
                problems.Add($"unexpected tensor '{entry.Name}' {Format(entry.Shape)}");
            else if (!entry.Shape.SequenceEqual(shape))
                problems.Add($"tensor '{entry.Name}' has shape {Format(entry.Shape)} but config.json asks for {Format(shape)}");
        }
        foreach (var (name, shape) in expected)
            if (!seen.Contains(name))
                problems.Add($"missing tensor '{name}' {Format(shape)}");
        var dtypes = file.Entries.Select(e => e.DType.ToHeaderName()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new WeightsReport(path, tensors, parameters, dtypes, problems);
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
