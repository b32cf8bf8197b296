using System.Text.Json;
using LlmForge.Diagnostics;

namespace LlmForge.Checkpoints;

/// <summary>
/// Reads a sharded safetensors checkpoint — Hugging Face's model.safetensors.index.json,
/// <c>{"metadata": {"total_size": N}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", …}}</c>,
/// beside its shard files — as one <see cref="SafeTensorsFile"/>. The index and the shards must agree exactly: every
/// tensor the index lists is in the shard it names, every shard's tensor is listed (for that shard), no name twice;
/// each disagreement is one error naming the index, the shard and the tensor.
/// </summary>
public static class SafeTensorsIndex
{
    /// <summary>How an index file's name ends ("model.safetensors.index.json"): what <see cref="SafeTensorsFile.Open"/> recognizes.</summary>
    public const string Suffix = ".safetensors.index.json";

    /// <summary>Opens the shards <paramref name="indexPath"/> lists, checked against it, as one tensor collection.</summary>
    /// <exception cref="CheckpointFormatException">A malformed index, a missing or malformed shard, a tensor absent from
    /// the shard the index names, a shard tensor the index does not list there, or a name given twice.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="indexPath"/>.</exception>
    public static SafeTensorsFile Open(string indexPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexPath);
        if (!File.Exists(indexPath)) throw new FileNotFoundException($"{indexPath}: no such file.", indexPath);
        var weightMap = ReadWeightMap(indexPath);
        string directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).ToList();
        var shards = new List<SafeTensorsFile.Shard>();
        try
        {
            var entries = new List<(SafeTensorsEntry, SafeTensorsFile.Shard)>();
            IReadOnlyDictionary<string, string>? metadata = null;
            foreach (string name in shardNames)
            {
                string path = Path.Combine(directory, name);
                if (!File.Exists(path))
                {
                    string first = weightMap.First(p => p.Value == name).Key;
                    throw new CheckpointFormatException(indexPath, $"shard '{name}' (listed for tensor '{first}') does not exist.");
                }
                var (held, shardMetadata, handle) = SafeTensorsFile.OpenOne(path);
                var shard = new SafeTensorsFile.Shard(path, handle);
                shards.Add(shard);
                metadata ??= shardMetadata;
                foreach (var entry in held)
                {
                    if (!weightMap.TryGetValue(entry.Name, out string? listed))
                        throw new CheckpointFormatException(indexPath, $"shard '{name}' holds tensor '{entry.Name}', which the index does not list.");
                    if (listed != name)
                        throw new CheckpointFormatException(indexPath, $"tensor '{entry.Name}' is in shard '{name}' too, but the index lists it in '{listed}' (a name given twice).");
                    entries.Add((entry, shard));
                }
            }
            var present = entries.Select(e => e.Item1.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (tensor, shardName) in weightMap)
                if (!present.Contains(tensor))
                    throw new CheckpointFormatException(indexPath, $"tensor '{tensor}' is listed in shard '{shardName}' but that shard does not hold it.");
            return SafeTensorsFile.FromShards(indexPath, [.. shards], entries, metadata ?? new Dictionary<string, string>());
        }
        catch
        {
            foreach (var shard in shards) shard.Handle.Dispose();
            throw;
        }
    }

    /// <summary>The index's "weight_map", tensor name → shard file name (a bare name in the index's directory).</summary>
    /// <exception cref="CheckpointFormatException">Not JSON, no "weight_map" object, a non-string or non-local shard name, or a tensor listed twice.</exception>
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string indexPath)
    {
        string text = ModelFile.ReadAllText(indexPath);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(indexPath, $"not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(indexPath, "key \"weight_map\" (an object: tensor name → shard file) is missing.");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tensor in map.EnumerateObject())
            {
                if (tensor.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointFormatException(indexPath, $"\"weight_map\" key {Printable.Quote(tensor.Name)} must name a shard file, not {tensor.Value.ValueKind}.");
                string shard = tensor.Value.GetString()!;
                // A shard is a file beside the index: a path elsewhere ("../x", "/etc/x") is not read.
                if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
                    throw new CheckpointFormatException(indexPath, $"\"weight_map\" key {Printable.Quote(tensor.Name)} names shard {Printable.Quote(shard)}, which is not a file name beside the index.");
                if (!weightMap.TryAdd(tensor.Name, shard))
                    throw new CheckpointFormatException(indexPath, $"\"weight_map\" lists tensor {Printable.Quote(tensor.Name)} twice.");
            }
            if (weightMap.Count == 0) throw new CheckpointFormatException(indexPath, "\"weight_map\" lists no tensor.");
            return weightMap;
        }
    }
}
