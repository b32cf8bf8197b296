using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>Sharded checkpoints (model.safetensors.index.json + model-0000k-of-0000n.safetensors) save and load as one file does.</summary>
public class ShardedCheckpointTests
{
    private static readonly ManagedBackend Backend = new();

    private static readonly GptConfig Small = Gpt2CheckpointTests.Small;

    private static string[] Shards(int count) => Enumerable.Range(1, count).Select(i => $"model-{i:D5}-of-{count:D5}.safetensors").ToArray();

    [Fact]
    public void A_sharded_GPT2_save_reloads_bit_identical_and_its_index_lists_every_tensor()
    {
        var original = new GptModel(Small, Backend, seed: 5);
        using var dir = new TempDirectory();

        Gpt2Checkpoint.Save(original, dir.Path, maxShardBytes: 1000);

        string[] files = dir.FileNames();
        int count = files.Count(f => f.StartsWith("model-", StringComparison.Ordinal));
        Assert.True(count >= 3, string.Join(", ", files));
        Assert.Equal(["config.json", .. Shards(count), "model.safetensors.index.json"], files);
        using (var index = JsonDocument.Parse(File.ReadAllText(dir.File("model.safetensors.index.json"))))
        {
            long parameters = original.NamedParameters().Sum(p => (long)p.Parameter.Data.Length); // untied: every parameter is written
            Assert.Equal(parameters * sizeof(float), index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToList();
            using var weights = ModelWeights.Open(dir.Path);
            Assert.Equal(weights.Entries.Select(e => e.Name).Order(StringComparer.Ordinal), map.Select(p => p.Name));
            foreach (string shard in Shards(count))
            {
                using var one = SafeTensorsFile.Open(dir.File(shard));
                long bytes = one.Entries.Sum(e => e.ByteLength);
                Assert.True(bytes <= 1000 || one.Entries.Count == 1, $"{shard}: {bytes} bytes in {one.Entries.Count} tensors");
                Assert.All(one.Entries, e => Assert.Equal(shard, map.Single(p => p.Name == e.Name).Value.GetString()));
            }
        }

        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend, seed: 99);
        StateDictTests.AssertSameParameters(original, loaded);
        Assert.True(Gpt2Checkpoint.Check(dir.Path).Matches);

        // Saving again unsharded replaces the shards: one set of weights, never two.
        Gpt2Checkpoint.Save(loaded, dir.Path);
        Assert.Equal(["config.json", "model.safetensors"], dir.FileNames());
        Gpt2Checkpoint.Save(loaded, dir.Path, maxShardBytes: 1000);
        Assert.Equal(["config.json", .. Shards(count), "model.safetensors.index.json"], dir.FileNames());
    }

    [Fact]
    public void A_save_that_fits_one_shard_writes_model_safetensors_as_transformers_does()
    {
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(new GptModel(Small, Backend, seed: 5), dir.Path, maxShardBytes: 1L << 30);
        Assert.Equal(["config.json", "model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void A_sharded_state_dict_of_named_kinds_reloads_bit_identical()
    {
        var config = Small with { Normalization = NormalizationType.RmsNorm, FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu };
        var original = new GptModel(config, Backend, seed: 3);
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(original, dir.Path, maxShardBytes: 700);
        Assert.Contains("model.safetensors.index.json", dir.FileNames());
        StateDictTests.AssertSameParameters(original, Gpt2Checkpoint.Load(dir.Path, Backend, seed: 1));
    }

    [Fact]
    public void A_sharded_BERT_save_reloads_bit_identical_with_its_heads()
    {
        var original = BertTestModels.Randomized(BertTestModels.Small, new BertHeads(Pooler: true, MaskedLM: true, Classifier: true));
        using var dir = new TempDirectory();
        BertCheckpoint.Save(original, dir.Path, maxShardBytes: 600);
        Assert.Contains("model.safetensors.index.json", dir.FileNames());
        Assert.DoesNotContain("model.safetensors", dir.FileNames());

        var loaded = BertCheckpoint.Load(dir.Path, BertTestModels.Backend, seed: 99);
        Assert.Equal(original.Heads, loaded.Heads);
        StateDictTests.AssertSameParameters(original, loaded);
        Assert.True(BertCheckpoint.Check(dir.Path).Matches);
    }

    [Fact]
    public void BF16_shards_load_as_the_bfloat16_rounded_originals()
    {
        var original = new GptModel(Small, Backend, seed: 11);
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(original, dir.Path, maxShardBytes: 1000);
        foreach (string shard in Directory.GetFiles(dir.Path, "model-*.safetensors"))
            RewriteAsBFloat16(shard);
        using (var weights = ModelWeights.Open(dir.Path))
            Assert.All(weights.Entries, e => Assert.Equal(SafeTensorsDType.BF16, e.DType));

        var loaded = Gpt2Checkpoint.Load(dir.Path, Backend);

        // The loader's transposes only permute values, so each parameter is its original rounded to bfloat16.
        var expected = original.NamedParameters().ToList();
        var actual = loaded.NamedParameters().ToList();
        int changed = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            float[] rounded = expected[i].Parameter.Data.Select(v => BFloat16.ToFloat(BFloat16.FromFloat(v))).ToArray();
            Assert.True(rounded.AsSpan().SequenceEqual(actual[i].Parameter.Data), expected[i].Name);
            changed += rounded.Zip(expected[i].Parameter.Data).Count(p => p.First != p.Second);
        }
        Assert.True(changed > 0, "bfloat16 rounding changed no value: the test would not see a missing conversion");
    }

    /// <summary>Rewrites an F32 safetensors file with every tensor as BF16 (round to nearest even), keeping names and order.</summary>
    private static void RewriteAsBFloat16(string path)
    {
        var header = new StringBuilder("{");
        var data = new List<byte>();
        using (var file = SafeTensorsFile.Open(path))
        {
            foreach (var entry in file.Entries)
            {
                float[] values = file.ReadFloat32(entry.Name);
                var bits = new ushort[values.Length];
                BFloat16.FromFloat(values, bits);
                if (header.Length > 1) header.Append(',');
                header.Append($"\"{entry.Name}\":{{\"dtype\":\"BF16\",\"shape\":[{string.Join(",", entry.Shape)}],\"data_offsets\":[{data.Count},{data.Count + 2 * bits.Length}]}}");
                var bytes = new byte[2 * bits.Length];
                for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), bits[i]);
                data.AddRange(bytes);
            }
        }
        SafeTensorsFileTests.WriteRaw(path, header.Append('}').ToString(), [.. data]);
    }

    private static TempDirectory SavedSharded(out string[] shards)
    {
        var dir = new TempDirectory();
        Gpt2Checkpoint.Save(new GptModel(Small, Backend, seed: 5), dir.Path, maxShardBytes: 1000);
        shards = dir.FileNames().Where(f => f.StartsWith("model-", StringComparison.Ordinal)).ToArray();
        return dir;
    }

    private static string LoadError(string directory)
    {
        var error = Assert.ThrowsAny<IOException>(() => Gpt2Checkpoint.Load(directory, Backend));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(Path.Combine(directory, "model.safetensors.index.json") + ": ", error.Message);
        return error.Message;
    }

    [Fact]
    public void A_missing_shard_is_one_line_naming_it()
    {
        using var dir = SavedSharded(out var shards);
        File.Delete(dir.File(shards[1]));
        Assert.Contains($"shard '{shards[1]}' (listed for tensor '", LoadError(dir.Path));
    }

    [Fact]
    public void A_tensor_the_index_lists_but_its_shard_lacks_is_one_line_naming_both()
    {
        using var dir = SavedSharded(out var shards);
        string index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"weight_map\": {", $"\"weight_map\": {{\n    \"extra.weight\": \"{shards[0]}\","));
        Assert.Contains($"tensor 'extra.weight' is listed in shard '{shards[0]}' but that shard does not hold it", LoadError(dir.Path));
    }

    [Fact]
    public void A_tensor_in_two_shards_is_one_line_naming_it()
    {
        using var dir = SavedSharded(out var shards);
        // Shard 2 gets a copy of a tensor the index places in shard 1.
        string moved;
        using (var first = SafeTensorsFile.Open(dir.File(shards[0])))
            moved = first.Entries[0].Name;
        var copy = new List<(string, int[], ReadOnlyMemory<float>)>();
        using (var first = SafeTensorsFile.Open(dir.File(shards[0])))
        using (var second = SafeTensorsFile.Open(dir.File(shards[1])))
        {
            copy.Add((moved, first.GetEntry(moved).Shape, first.ReadFloat32(moved)));
            copy.AddRange(second.Entries.Select(e => (e.Name, e.Shape, (ReadOnlyMemory<float>)second.ReadFloat32(e.Name))));
        }
        SafeTensorsWriter.Write(dir.File(shards[1]), copy);
        Assert.Contains($"tensor '{moved}' is in shard '{shards[1]}' too, but the index lists it in '{shards[0]}'", LoadError(dir.Path));
    }

    [Fact]
    public void A_name_the_index_lists_twice_is_one_line()
    {
        using var dir = SavedSharded(out var shards);
        string index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"weight_map\": {",
            $"\"weight_map\": {{\n    \"transformer.wte.weight\": \"{shards[0]}\","));
        Assert.Contains("\"weight_map\" lists tensor 'transformer.wte.weight' twice", LoadError(dir.Path));
    }

    [Fact]
    public void A_shard_outside_the_directory_is_refused()
    {
        using var dir = SavedSharded(out var shards);
        string index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace($"\"{shards[0]}\"", $"\"../{shards[0]}\""));
        Assert.Contains($"names shard '../{shards[0]}', which is not a file name beside the index", LoadError(dir.Path));
    }

    [Fact]
    public void No_weights_at_all_names_both_layouts()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => ModelWeights.Find(dir.Path));
        Assert.Contains("no model.safetensors (nor model.safetensors.index.json)", error.Message);
        Assert.False(ModelWeights.Exists(dir.Path));
    }
}
