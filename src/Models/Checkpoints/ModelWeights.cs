using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmForge.Checkpoints;

/// <summary>
/// The weights of a Hugging Face model directory, one file or sharded: model.safetensors, or
/// model.safetensors.index.json with its shards model-00001-of-00003.safetensors … (large models ship so). Every
/// loader opens a directory's weights here (<see cref="Open"/>), so a sharded directory loads exactly as a single file;
/// the model savers write here (<see cref="Write"/>), sharded when a maximum shard size is given.
/// </summary>
public static partial class ModelWeights
{
    /// <summary>The single weights file's name (Hugging Face's).</summary>
    public const string FileName = "model.safetensors";

    /// <summary>The sharded checkpoint's index: tensor name → shard file (Hugging Face's name).</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>Whether <paramref name="directory"/> holds weights: model.safetensors or model.safetensors.index.json.</summary>
    public static bool Exists(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return File.Exists(Path.Combine(directory, FileName)) || File.Exists(Path.Combine(directory, IndexFileName));
    }

    /// <summary>
    /// The file to open: model.safetensors when present (transformers prefers it too), else the index of a sharded
    /// checkpoint. Its name is what messages and <c>llmforge info</c> show.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither is in <paramref name="directory"/>; the message names both.</exception>
    public static string Find(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string single = Path.Combine(directory, FileName), index = Path.Combine(directory, IndexFileName);
        if (File.Exists(single)) return single;
        if (File.Exists(index)) return index;
        throw new FileNotFoundException($"{single}: no {FileName} (nor {IndexFileName}) in the checkpoint directory.", single);
    }

    /// <summary>The directory's weights as one tensor collection, sharded or not (<see cref="SafeTensorsFile.Open"/> of <see cref="Find"/>).</summary>
    /// <exception cref="FileNotFoundException">No weights in <paramref name="directory"/>.</exception>
    /// <exception cref="CheckpointFormatException">A malformed file, or shards that disagree with their index (one line naming both).</exception>
    public static SafeTensorsFile Open(string directory) => SafeTensorsFile.Open(Find(directory));

    /// <summary>
    /// Writes <paramref name="tensors"/> (F32) as <paramref name="directory"/>'s weights: model.safetensors, or — when
    /// <paramref name="maxShardBytes"/> is given and they do not fit one shard — shards of at most that many bytes of
    /// data each (a larger tensor gets a shard of its own), filled in the order given as transformers does, and the
    /// index with metadata.total_size (the bytes of all tensors). Each file is written atomically and the index last,
    /// then files of the other layout or stale shards (model-XXXXX-of-YYYYY.safetensors no longer listed) are deleted,
    /// so the directory never holds two sets of weights.
    /// </summary>
    /// <returns>The files written (file names, shards in order, then the index).</returns>
    /// <exception cref="ArgumentException">A bad tensor (see <see cref="SafeTensorsWriter.Write"/>) or a non-positive <paramref name="maxShardBytes"/>.</exception>
    public static IReadOnlyList<string> Write(string directory, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, long? maxShardBytes = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardBytes is <= 0) throw new ArgumentException($"the maximum shard size must be positive, not {maxShardBytes}.", nameof(maxShardBytes));
        Directory.CreateDirectory(directory);
        var list = tensors.ToList();
        var shards = maxShardBytes is { } max ? Split(list, max) : [list];
        if (shards.Count <= 1)
        {
            SafeTensorsWriter.Write(Path.Combine(directory, FileName), list, metadata);
            DeleteStale(directory, keep: [], index: true);
            return [FileName];
        }

        var names = Enumerable.Range(1, shards.Count).Select(i => ShardName(i, shards.Count)).ToList();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int s = 0; s < shards.Count; s++)
        {
            SafeTensorsWriter.Write(Path.Combine(directory, names[s]), shards[s], metadata);
            foreach (var tensor in shards[s]) weightMap[tensor.Name] = names[s];
        }
        long totalSize = list.Sum(t => (long)t.Data.Length * sizeof(float));
        WriteIndex(Path.Combine(directory, IndexFileName), totalSize, weightMap);
        File.Delete(Path.Combine(directory, FileName));
        DeleteStale(directory, keep: names, index: false);
        return [.. names, IndexFileName];
    }

    /// <summary>"model-00002-of-00003.safetensors": shard <paramref name="number"/> (from 1) of <paramref name="count"/>, as transformers names them.</summary>
    public static string ShardName(int number, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"model-{number:D5}-of-{count:D5}.safetensors");

    /// <summary>Consecutive groups of at most <paramref name="maxBytes"/> bytes each, none empty (a larger tensor alone).</summary>
    private static List<List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>> Split(
        List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors, long maxBytes)
    {
        var shards = new List<List<(string, int[], ReadOnlyMemory<float>)>> { new() };
        long size = 0;
        foreach (var tensor in tensors)
        {
            long bytes = (long)tensor.Data.Length * sizeof(float);
            if (size + bytes > maxBytes && shards[^1].Count > 0)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(tensor);
            size += bytes;
        }
        return shards;
    }

    private static void WriteIndex(string path, long totalSize, SortedDictionary<string, string> weightMap)
    {
        using var file = AtomicFile.Create(path);
        using (var json = new Utf8JsonWriter(file.Stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (tensor, shard) in weightMap) json.WriteString(tensor, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        file.Commit();
    }

    /// <summary>Deletes shard files not in <paramref name="keep"/>, and the index when <paramref name="index"/> (a single file replaced it).</summary>
    private static void DeleteStale(string directory, IReadOnlyCollection<string> keep, bool index)
    {
        if (index) File.Delete(Path.Combine(directory, IndexFileName));
        foreach (string path in Directory.EnumerateFiles(directory, "model-*-of-*.safetensors"))
        {
            string name = Path.GetFileName(path);
            if (ShardPattern().IsMatch(name) && !keep.Contains(name)) File.Delete(path);
        }
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardPattern();
}
