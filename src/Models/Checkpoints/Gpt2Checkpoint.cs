using System.Text;
using LlmForge.Backends;
using LlmForge.Components;
using LlmForge.Gpt;

namespace LlmForge.Checkpoints;

/// <summary>
/// Loads and saves a <see cref="GptModel"/> as a Hugging Face GPT-2 directory — config.json plus
/// model.safetensors with GPT2LMHeadModel's tensor names and Conv1D layouts — through the explicit table
/// <see cref="Gpt2ParameterMap"/>. A directory saved here loads in transformers
/// (<c>GPT2LMHeadModel.from_pretrained(dir)</c>), and HF's GPT-2 directories load here.
/// A model built with kinds the Hugging Face keys cannot select (a user's own normalization, say) is saved as
/// model_type "llmforge-gpt" with the kinds by name in config.json's "llmforge" key and its weights as a
/// <see cref="StateDict"/> (LlmForge's own parameter names, which no HF table maps); it reloads through
/// <see cref="Load(string, ITensorBackend, IComponentKinds, int)"/> with the same kinds registered.
/// A Llama-layout config (<see cref="GptConfig.ModelType"/> "llama", "qwen2", "mistral") reads and writes Hugging Face's
/// LlamaForCausalLM directory instead (<see cref="LlamaConfigJson"/>, <see cref="LlamaTensorNames"/>), through the same
/// checks; F16/BF16 tensors are converted to float32 on load.
/// </summary>
public static class Gpt2Checkpoint
{
    /// <summary>The weights' file name in a model directory, beside config.json (Hugging Face's name).</summary>
    public const string WeightsFileName = ModelWeights.FileName;

    private const string ModelWants = "the model expects", ConfigWants = "config.json asks for";

    /// <summary>Builds the model that <paramref name="directory"/>/config.json describes and loads its weights.</summary>
    /// <remarks>
    /// model.safetensors' header is checked against config.json before the model is allocated, so a config.json that
    /// asks for far more than the file holds fails at once instead of allocating it.
    /// </remarks>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not match it (see <see cref="Load(GptModel, string)"/>).</exception>
    public static GptModel Load(string directory, ITensorBackend backend, int seed = 0) =>
        Load(directory, backend, BuiltInComponents.Kinds, seed);

    /// <summary>
    /// As <see cref="Load(string, ITensorBackend, int)"/>, with the kinds config.json's "llmforge" key names looked up
    /// in <paramref name="kinds"/> — a container's <c>ComponentCatalog</c>, where the user's own kinds are registered.
    /// </summary>
    /// <exception cref="CheckpointFormatException">
    /// A bad config.json (a kind not in <paramref name="kinds"/> among them: 'normalization kind "my-norm" is not
    /// registered; register it with services.AddNormalization("my-norm", …)'), or weights that do not match it.
    /// </exception>
    public static GptModel Load(string directory, ITensorBackend backend, IComponentKinds kinds, int seed = 0)
    {
        var (config, components) = Saved(directory, kinds);
        return LoadWeights(directory, config, () => new GptModel(config, backend, seed, components));
    }

    /// <summary>
    /// Loads <paramref name="directory"/>/model.safetensors into <paramref name="model"/>'s parameters. If the
    /// directory has a config.json, its architecture must equal the model's. Every tensor must be present with
    /// its exact shape, in a float dtype, and hold only finite values; the buffers h.{i}.attn.bias / masked_bias of
    /// old checkpoints are ignored, and names without the "transformer." prefix (GPT2Model) are accepted.
    /// </summary>
    /// <exception cref="CheckpointFormatException">
    /// Missing, unexpected, mis-shaped or non-float tensors, all listed in one message naming the file, each tensor and
    /// both shapes; or the first tensor holding a NaN or infinity, with its index.
    /// </exception>
    public static void Load(GptModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var described = model.Components.Describe(model.Config);
        string configPath = Path.Combine(directory, GptConfigJson.FileName);
        if (File.Exists(configPath))
            CheckSameArchitecture(GptConfigJson.Load(configPath), described, configPath);
        LoadWeights(directory, described, () => model);
    }

    /// <summary>
    /// The one reading of model.safetensors both loads share: a state dict when <paramref name="config"/> records kinds
    /// by name, else the Hugging Face layout, whose header is checked against <paramref name="config"/> before
    /// <paramref name="model"/> is called — so a new model is allocated only for weights that fit it.
    /// </summary>
    private static GptModel LoadWeights(string directory, GptConfig config, Func<GptModel> model)
    {
        string path = ModelWeights.Find(directory);
        if (config.Kinds is not null)
        {
            var built = model();
            StateDict.Load(built, path);
            return built;
        }
        using var file = SafeTensorsFile.Open(path);
        ThrowIfMismatched(file, config);
        var target = model();
        ReadWeights(target, file);
        return target;
    }

    /// <summary>
    /// The loader's verdict on <paramref name="directory"/> without building a model: config.json is read (a bad one
    /// throws), then model.safetensors is checked by the rules <see cref="Load(string, ITensorBackend, int)"/> applies —
    /// names, shapes and dtypes from the header, then every value (finite; a tied lm_head equal to wte).
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or a model.safetensors that is not a safetensors file.</exception>
    /// <exception cref="FileNotFoundException">No config.json or model.safetensors.</exception>
    /// <remarks>
    /// A state dict (a config.json with a "llmforge" key) is checked for its kinds — each must be in
    /// <paramref name="kinds"/> (default: the built-ins) — and for dtypes and finite values; its names and shapes
    /// are those of the model the kinds build, checked when it loads.
    /// </remarks>
    public static Gpt2WeightsReport Check(string directory, IComponentKinds? kinds = null)
    {
        var (config, _) = Saved(directory, kinds ?? BuiltInComponents.Kinds);
        string path = ModelWeights.Find(directory);
        using var file = SafeTensorsFile.Open(path);
        if (config.Kinds is not null)
            return new Gpt2WeightsReport(path, file.Entries.Count, file.Entries.Sum(e => e.ElementCount),
                LoadProblems.DTypes(file), LoadProblems.Capped(StateDict.FileProblems(file, allValues: true)));
        var problems = HeaderProblems(file, config, ConfigWants);
        if (problems.Count == 0) ValueProblems(file, config, problems, allValues: true);
        var tensors = file.Entries.Where(e => !Gpt2TensorNames.IsIgnoredBuffer(e.Name)).ToList();
        long parameters = tensors.Sum(e => e.ElementCount)
                          - (config.TieWeights ? tensors.Where(e => Gpt2TensorNames.Canonicalize(e.Name) == Gpt2TensorNames.LmHead).Sum(e => e.ElementCount) : 0);
        return new Gpt2WeightsReport(path, tensors.Count, parameters, LoadProblems.DTypes(file), LoadProblems.Capped(problems));
    }

    /// <summary>
    /// Writes config.json and model.safetensors (F32, metadata format=pt) into <paramref name="directory"/>
    /// (created if needed), each file atomically. Tied models write no lm_head.weight, as HF does. With
    /// <paramref name="maxShardBytes"/>, weights above that size are written sharded instead (<see cref="ModelWeights.Write"/>:
    /// model-00001-of-0000N.safetensors and model.safetensors.index.json), which every load reads the same way.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="directory">The model directory to write.</param>
    /// <param name="maxShardBytes">The most bytes of tensor data per shard; null (default) writes one model.safetensors.</param>
    /// <remarks>
    /// The kinds recorded are the names of those the model was built from (<see cref="GptModel.Components"/>). When
    /// the Hugging Face keys cannot select them, config.json gets them in its "llmforge" key (model_type
    /// "llmforge-gpt") and model.safetensors is the model's <see cref="StateDict"/>; a GPT-2 of built-in kinds is
    /// written exactly as before.
    /// </remarks>
    public static void Save(GptModel model, string directory, long? maxShardBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var config = model.Components.Describe(model.Config);
        config.Validate();
        Directory.CreateDirectory(directory);
        if (config.Kinds is not null)
        {
            ModelWeights.Write(directory, StateDict.Tensors(model), StateDict.DefaultMetadata, maxShardBytes);
            GptConfigJson.Save(config, Path.Combine(directory, GptConfigJson.FileName));
            return;
        }
        var map = Gpt2ParameterMap.For(model.Config);
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>(map.Count);
        foreach (var row in map)
        {
            var data = new float[row.HfShape.Aggregate(1L, (n, d) => n * d)];
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.FromParameter(row, p, model.GetParameter(row.Parameters[p]).Data, data);
            tensors.Add((row.HfName, row.HfShape, data));
        }
        ModelWeights.Write(directory, tensors, StateDict.DefaultMetadata, maxShardBytes);
        GptConfigJson.Save(config, Path.Combine(directory, GptConfigJson.FileName));
    }

    /// <summary>What a load and a check read first: config.json, and the kinds it names resolved in <paramref name="kinds"/>.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or a kind it names is not registered (the message names it and how to register it).</exception>
    private static (GptConfig Config, GptComponents Components) Saved(string directory, IComponentKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(kinds);
        string configPath = ModelFile.InDirectory(directory, GptConfigJson.FileName);
        var config = GptConfigJson.Load(configPath);
        return (config, ComponentKindsJson.Resolve(() => GptComponents.For(config, kinds), configPath));
    }

    /// <exception cref="CheckpointFormatException">The header does not match <paramref name="config"/> (every problem in one message).</exception>
    private static void ThrowIfMismatched(SafeTensorsFile file, GptConfig config)
    {
        var problems = HeaderProblems(file, config, ModelWants);
        if (problems.Count == 0) ValueProblems(file, config, problems, allValues: false);
        if (problems.Count > 0) throw new CheckpointFormatException(file.FilePath, Describe(problems, config));
    }

    /// <summary>What the header alone shows: layer count, duplicates, dtypes, missing, mis-shaped and unexpected tensors.</summary>
    /// <param name="wants">Who asks for the expected shape, in messages: the model being loaded, or config.json when checked.</param>
    /// <param name="file">The checkpoint's safetensors file.</param>
    /// <param name="config">The configuration its tensors must match.</param>
    private static List<string> HeaderProblems(SafeTensorsFile file, GptConfig config, string wants)
    {
        // canonical HF name → the entry as stored in the file
        var stored = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in file.Entries)
        {
            if (Gpt2TensorNames.IsIgnoredBuffer(entry.Name)) continue;
            if (!stored.TryAdd(Gpt2TensorNames.Canonicalize(entry.Name), entry))
                problems.Add($"tensor '{entry.Name}' appears twice (with and without the 'transformer.' prefix)");
            else if (LoadProblems.DTypeProblem(entry) is { } dtype)
                problems.Add(dtype);
        }
        if (LoadProblems.LayerCountProblem(stored.Keys, config.IsLlamaLayout ? LlamaTensorNames.LayerPrefix : "transformer.h.", config.Layers,
                config.IsLlamaLayout ? "num_hidden_layers" : "n_layer", WeightsFileName) is { } layers)
            return [layers];

        // A tied checkpoint may still carry lm_head.weight; it must then be wte's copy (its values: ValueProblems).
        // Checked first, so that a capped list of problems still names it.
        int[] head = [config.VocabSize, config.EmbeddingDim];
        if (config.TieWeights && stored.Remove(Gpt2TensorNames.LmHead, out var lmHead) && !lmHead.Shape.AsSpan().SequenceEqual(head))
            problems.Add($"tensor '{lmHead.Name}' has shape {LoadProblems.Shape(lmHead.Shape)} but {wants} {LoadProblems.Shape(head)}");
        foreach (var row in Gpt2ParameterMap.For(config))
        {
            if (!stored.Remove(row.HfName, out var entry))
                problems.Add($"missing tensor '{row.HfName}' {LoadProblems.Shape(row.HfShape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(row.HfShape))
                problems.Add($"tensor '{entry.Name}' has shape {LoadProblems.Shape(entry.Shape)} but {wants} {LoadProblems.Shape(row.HfShape)}");
        }
        foreach (var (_, entry) in stored)
            problems.Add($"unexpected tensor '{entry.Name}' {LoadProblems.Shape(entry.Shape)}");
        return problems;
    }

    /// <summary>
    /// What only the values show, for a header without problems: a tied lm_head.weight that differs from wte, and
    /// (with <paramref name="allValues"/>, for <see cref="Check"/>) the first tensor holding a NaN or infinity —
    /// the loader checks those as it reads, in <see cref="ReadWeights"/>.
    /// </summary>
    private static void ValueProblems(SafeTensorsFile file, GptConfig config, List<string> problems, bool allValues)
    {
        string wte = config.IsLlamaLayout ? LlamaTensorNames.TokenEmbedding
            : file.Contains(Gpt2TensorNames.TokenEmbedding) ? Gpt2TensorNames.TokenEmbedding : Bare(Gpt2TensorNames.TokenEmbedding);
        string? head = file.Contains(Gpt2TensorNames.LmHead) ? Gpt2TensorNames.LmHead : null;
        if (config.TieWeights && head is not null && !file.ReadFloat32(head).AsSpan().SequenceEqual(file.ReadFloat32(wte)))
            problems.Add($"tensor '{head}' differs from '{wte}' but tie_word_embeddings is true");
        if (!allValues) return;
        foreach (var entry in file.Entries)
        {
            if (Gpt2TensorNames.IsIgnoredBuffer(entry.Name)) continue;
            if (TensorValues.NonFiniteProblem(entry.Name, file.ReadFloat32(entry.Name)) is { } problem)
            {
                problems.Add(problem);
                return; // the first bad tensor is the verdict; reading on would only repeat it
            }
        }
    }

    /// <summary>Reads every tensor of a checked header into the model, refusing the first that is not finite.</summary>
    private static void ReadWeights(GptModel model, SafeTensorsFile file)
    {
        foreach (var row in Gpt2ParameterMap.For(model.Config))
        {
            string name = file.TryGetEntry(row.HfName, out var entry) ? entry.Name : Bare(row.HfName);
            var data = file.ReadFloat32(name);
            TensorValues.ThrowIfNonFinite(file.FilePath, name, data);
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.ToParameter(row, p, data, model.GetParameter(row.Parameters[p]).Data);
        }
    }

    private static string Describe(List<string> problems, GptConfig config)
    {
        if (config.IsLlamaLayout)
            return new StringBuilder()
                .Append($"does not match the {config.ModelType} model (num_hidden_layers {config.Layers}, hidden_size {config.EmbeddingDim}, ")
                .Append($"num_attention_heads {config.Heads}, num_key_value_heads {config.KeyValueHeads}, vocab_size {config.VocabSize}, ")
                .Append($"tie_word_embeddings {Lower(config.TieWeights)}): ")
                .AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString();
        var text = new StringBuilder()
            .Append($"does not match the GPT-2 model (n_layer {config.Layers}, n_embd {config.EmbeddingDim}, ")
            .Append($"vocab_size {config.VocabSize}, qkv_bias {Lower(config.QkvBias)}, tie_word_embeddings {Lower(config.TieWeights)}, ")
            .Append($"position_embedding_type {config.PositionEmbedding.ToString().ToLowerInvariant()}, normalization {config.Normalization.ToString().ToLowerInvariant()}): ");
        return text.AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString();
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
        Same("feed_forward", file.FeedForward, model.FeedForward);
        Same("model_type", file.ModelType ?? "gpt2", model.ModelType ?? "gpt2");
        Same("num_key_value_heads", file.KeyValueHeads, model.KeyValueHeads);
        Same("attention_bias", file.AttentionOutputBias, model.AttentionOutputBias);
        Same("mlp_bias", file.MlpBias, model.MlpBias);
        Same("rope_convention", file.RopeConvention, model.RopeConvention);
        Same("rope_scaling", file.RopeScaling, model.RopeScaling);
        Same("sink_token", file.SinkToken, model.SinkToken);
        // The kinds by name: those of the "llmforge" key, else the built-ins the keys above select.
        static ComponentKindNames KindsOf(GptConfig config) => config.Kinds ?? GptComponents.For(config).Names;
        if (!KindsOf(file).SameKinds(KindsOf(model)))
            throw new CheckpointFormatException(path, $"key \"{ComponentKindsJson.Key}\" gives {KindsOf(file)} but the model has {KindsOf(model)}.");
    }

    private static string Bare(string hfName) => hfName.StartsWith("transformer.", StringComparison.Ordinal) ? hfName["transformer.".Length..] : hfName;


    private static string Lower(bool value) => value ? "true" : "false";
}

/// <summary>What <see cref="Gpt2Checkpoint.Check"/> found: the loader's verdict on a model.safetensors, and what it holds.</summary>
public sealed record Gpt2WeightsReport(string Path, int Tensors, long Parameters, IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems)
{
    /// <summary>True when the check raised no problem: the directory loads.</summary>
    public bool Matches => Problems.Count == 0;
}
