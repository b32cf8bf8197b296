using System.Text;
using LlmForge.Backends;
using LlmForge.Gpt;

namespace LlmForge.Checkpoints;

/// <summary>
/// Loads and saves a <see cref="GptModel"/> as a Hugging Face GPT-2 directory — config.json plus
/// model.safetensors with GPT2LMHeadModel's tensor names and Conv1D layouts — through the explicit table
/// <see cref="Gpt2ParameterMap"/>. A directory saved here loads in transformers
/// (<c>GPT2LMHeadModel.from_pretrained(dir)</c>), and HF's GPT-2 directories load here.
/// </summary>
public static class Gpt2Checkpoint
{
    public const string WeightsFileName = "model.safetensors";

    /// <summary>Builds the model that <paramref name="directory"/>/config.json describes and loads its weights.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not match it (see <see cref="Load(GptModel, string)"/>).</exception>
    public static GptModel Load(string directory, ITensorBackend backend, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = GptConfigJson.Load(RequireFile(directory, GptConfigJson.FileName));
        var model = new GptModel(config, backend, seed);
        LoadWeights(model, directory);
        return model;
    }

    /// <summary>
    /// Loads <paramref name="directory"/>/model.safetensors into <paramref name="model"/>'s parameters. If the
    /// directory has a config.json, its architecture must equal the model's. Every tensor must be present with
    /// its exact shape; the buffers h.{i}.attn.bias / masked_bias of old checkpoints are ignored, and names
    /// without the "transformer." prefix (GPT2Model) are accepted.
    /// </summary>
    /// <exception cref="CheckpointFormatException">
    /// Missing, unexpected or mis-shaped tensors, all listed in one message naming the file, each tensor and both shapes.
    /// </exception>
    public static void Load(GptModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        string configPath = Path.Combine(directory, GptConfigJson.FileName);
        if (File.Exists(configPath))
            CheckSameArchitecture(GptConfigJson.Load(configPath), model.Config, configPath);
        LoadWeights(model, directory);
    }

    /// <summary>
    /// Writes config.json and model.safetensors (F32, metadata format=pt) into <paramref name="directory"/>
    /// (created if needed), each file atomically. Tied models write no lm_head.weight, as HF does.
    /// </summary>
    /// <exception cref="NotSupportedException">
    /// The model was built with a kind config.json cannot name (a user's own attention, say): loading the directory
    /// would silently build the built-in one instead.
    /// </exception>
    public static void Save(GptModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var described = GptComponents.For(model.Config);
        if (model.Components != described)
            throw new NotSupportedException(
                $"Gpt2Checkpoint.Save: the model has {model.Components}, but its config.json can only describe {described}.");
        Directory.CreateDirectory(directory);
        var map = Gpt2ParameterMap.For(model.Config);
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>(map.Count);
        foreach (var row in map)
        {
            var data = new float[row.HfShape.Aggregate(1L, (n, d) => n * d)];
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.FromParameter(row, p, model.GetParameter(row.Parameters[p]).Data, data);
            tensors.Add((row.HfName, row.HfShape, data));
        }
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFileName), tensors,
            new Dictionary<string, string> { ["format"] = "pt" }); // transformers refuses safetensors without it
        GptConfigJson.Save(model.Config, Path.Combine(directory, GptConfigJson.FileName));
    }

    private static void LoadWeights(GptModel model, string directory)
    {
        string path = RequireFile(directory, WeightsFileName);
        var map = Gpt2ParameterMap.For(model.Config);
        using var file = SafeTensorsFile.Open(path);

        // canonical HF name → the name as stored in the file
        var stored = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in file.Entries)
        {
            if (Gpt2TensorNames.IsIgnoredBuffer(entry.Name)) continue;
            if (!stored.TryAdd(Gpt2TensorNames.Canonicalize(entry.Name), entry))
                problems.Add($"tensor '{entry.Name}' appears twice (with and without the 'transformer.' prefix)");
        }

        foreach (var row in map)
        {
            if (!stored.Remove(row.HfName, out var entry))
                problems.Add($"missing tensor '{row.HfName}' {Format(row.HfShape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(row.HfShape))
                problems.Add($"tensor '{entry.Name}' has shape {Format(entry.Shape)} but the model expects {Format(row.HfShape)}");
        }
        // A tied checkpoint may still carry lm_head.weight; it must then be wte's copy.
        if (model.Config.TieWeights && stored.Remove(Gpt2TensorNames.LmHead, out var lmHead))
            CheckTiedHead(file, lmHead, model.Config, problems);
        foreach (var (_, entry) in stored)
            problems.Add($"unexpected tensor '{entry.Name}' {Format(entry.Shape)}");
        if (problems.Count > 0)
            throw new CheckpointFormatException(path, Describe(problems, model.Config));

        foreach (var row in map)
        {
            var data = file.ReadFloat32(file.TryGetEntry(row.HfName, out var entry) ? entry.Name : Bare(row.HfName));
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.ToParameter(row, p, data, model.GetParameter(row.Parameters[p]).Data);
        }
    }

    private static void CheckTiedHead(SafeTensorsFile file, SafeTensorsEntry lmHead, GptConfig config, List<string> problems)
    {
        int[] expected = [config.VocabSize, config.EmbeddingDim];
        if (!lmHead.Shape.AsSpan().SequenceEqual(expected))
        {
            problems.Add($"tensor '{lmHead.Name}' has shape {Format(lmHead.Shape)} but the model expects {Format(expected)}");
            return;
        }
        string wte = file.Contains(Gpt2TensorNames.TokenEmbedding) ? Gpt2TensorNames.TokenEmbedding : Bare(Gpt2TensorNames.TokenEmbedding);
        if (!file.TryGetEntry(wte, out var wteEntry) || !wteEntry.Shape.AsSpan().SequenceEqual(expected))
            return; // already reported as missing or mis-shaped
        if (!file.ReadFloat32(lmHead.Name).AsSpan().SequenceEqual(file.ReadFloat32(wte)))
            problems.Add($"tensor '{lmHead.Name}' differs from '{wte}' but tie_word_embeddings is true");
    }

    private static string Describe(List<string> problems, GptConfig config)
    {
        var text = new StringBuilder()
            .Append($"does not match the GPT-2 model (n_layer {config.Layers}, n_embd {config.EmbeddingDim}, ")
            .Append($"vocab_size {config.VocabSize}, qkv_bias {Lower(config.QkvBias)}, tie_word_embeddings {Lower(config.TieWeights)}, ")
            .Append($"position_embedding_type {config.PositionEmbedding.ToString().ToLowerInvariant()}, normalization {config.Normalization.ToString().ToLowerInvariant()}): ");
        const int Shown = 8;
        text.AppendJoin("; ", problems.Take(Shown));
        if (problems.Count > Shown) text.Append($"; and {problems.Count - Shown} more");
        return text.Append('.').ToString();
    }

    /// <summary>The architecture keys must agree; dropout rates and token ids may differ.</summary>
    private static void CheckSameArchitecture(GptConfig file, GptConfig model, string path)
    {
        void Same<T>(string key, T inFile, T inModel)
        {
            if (!EqualityComparer<T>.Default.Equals(inFile, inModel))
                throw new CheckpointFormatException(path, $"key \"{key}\" is {inFile} but the model has {inModel}.");
        }
        Same("vocab_size", file.VocabSize, model.VocabSize);
        Same("n_positions", file.ContextLength, model.ContextLength);
        Same("n_embd", file.EmbeddingDim, model.EmbeddingDim);
        Same("n_layer", file.Layers, model.Layers);
        Same("n_head", file.Heads, model.Heads);
        Same("n_inner", file.FeedForwardDim, model.FeedForwardDim);
        Same("activation_function", file.Activation, model.Activation);
        Same("layer_norm_epsilon", file.LayerNormEpsilon, model.LayerNormEpsilon);
        Same("tie_word_embeddings", file.TieWeights, model.TieWeights);
        Same("qkv_bias", file.QkvBias, model.QkvBias);
        Same("position_embedding_type", file.PositionEmbedding, model.PositionEmbedding);
        Same("rope_theta", file.RopeTheta, model.RopeTheta);
        Same("sliding_window", file.SlidingWindow, model.SlidingWindow);
        Same("normalization", file.Normalization, model.Normalization);
    }

    private static string RequireFile(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no {name} in the checkpoint directory.", path);
    }

    private static string Bare(string hfName) => hfName.StartsWith("transformer.", StringComparison.Ordinal) ? hfName["transformer.".Length..] : hfName;

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Lower(bool value) => value ? "true" : "false";
}
