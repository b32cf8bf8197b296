using System.Text;
using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Components;

namespace LlmForge.Checkpoints;

/// <summary>
/// Loads and saves a <see cref="BertModel"/> as a Hugging Face BERT directory — config.json plus model.safetensors
/// with BERT's tensor names — through the explicit table <see cref="BertParameterMap"/>. A directory saved here
/// loads in transformers (<c>BertForMaskedLM.from_pretrained(dir)</c>, or the class its "architectures" names),
/// and HF BERT directories load here: old TensorFlow-era names (LayerNorm.gamma/beta), BertModel names without
/// "bert.", the position_ids buffer and the next-sentence head are all accepted (see <see cref="BertTensorNames"/>).
/// A model built with kinds the Hugging Face keys cannot select (a user's own normalization, say) is saved as
/// model_type "llmforge-bert" with the kinds by name in config.json's "llmforge" key and its weights as a
/// <see cref="StateDict"/>; it reloads where the same kinds are registered (the overloads taking <see cref="IComponentKinds"/>).
/// </summary>
public static class BertCheckpoint
{
    /// <summary>The weights' file name in a model directory, beside config.json (Hugging Face's name).</summary>
    public const string WeightsFileName = ModelWeights.FileName;

    private const string ModelWants = "the model expects", ConfigWants = "config.json asks for";

    /// <summary>Builds the model config.json describes, with the heads model.safetensors holds, and loads every weight.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not match it (all problems in one message).</exception>
    public static BertModel Load(string directory, ITensorBackend backend, int seed = 0) =>
        Load(directory, backend, BuiltInComponents.Kinds, seed);

    /// <summary>
    /// As <see cref="Load(string, ITensorBackend, int)"/>, with the kinds config.json's "llmforge" key names looked up
    /// in <paramref name="kinds"/> — a container's <c>ComponentCatalog</c>, where the user's own kinds are registered.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad config.json (a kind not in <paramref name="kinds"/> among them, named), or weights that do not match it.</exception>
    public static BertModel Load(string directory, ITensorBackend backend, IComponentKinds kinds, int seed = 0)
    {
        var (config, components, configPath, path) = Saved(directory, kinds);
        if (config.Kinds is not null)
        {
            var built = new BertModel(config, backend, StateDictHeads(path, config, configPath), seed, components);
            StateDict.Load(built, path);
            return built;
        }
        using var file = SafeTensorsFile.Open(path);
        var stored = Canonical(file, path);
        var heads = HeadsOf(stored, config);
        if (heads.Classifier && config.Labels.Count == 0)
            throw new CheckpointFormatException(Path.Combine(directory, BertConfigJson.FileName),
                $"{path} holds a classifier but key \"id2label\" is missing: the class names are needed to build it.");
        // The header must agree with config.json before the model is allocated (a config.json asking for 100,000 layers).
        var found = Match(config, heads, stored, path, newHeadsAllowed: false, out _);
        var model = new BertModel(config, backend, heads, seed, components);
        ReadWeights(model, file, found);
        return model;
    }

    /// <summary>
    /// Reads <paramref name="directory"/>'s model.safetensors into <paramref name="model"/> (a resume): the file must hold
    /// exactly the model's tensors, in its shapes (a state dict when the model's kinds need one, the Hugging Face names
    /// otherwise); one error lists every difference.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The weights are of another architecture, or not finite.</exception>
    public static void Load(BertModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        string path = ModelWeights.Find(directory);
        if (model.Components.Describe(model.Config).Kinds is not null)
        {
            StateDict.Load(model, path);
            return;
        }
        using var file = SafeTensorsFile.Open(path);
        var found = Match(model.Config, model.Heads, Canonical(file, path), path, newHeadsAllowed: false, out _);
        ReadWeights(model, file, found);
    }

    /// <summary>
    /// For fine-tuning a classifier on <paramref name="labels"/>: the encoder (and pooler, if saved) from
    /// <paramref name="directory"/>, plus a classifier that is loaded when the checkpoint has one for the same labels
    /// and freshly initialized otherwise. Saved heads the model does not use (the MLM head) are left out.
    /// </summary>
    /// <returns>The model and the HF names of the tensors that were initialized rather than loaded.</returns>
    /// <remarks>For a state dict (a config.json with a "llmforge" key) the names of the initialized tensors are LlmForge's ("classifier.weight").</remarks>
    public static (BertModel Model, IReadOnlyList<string> Initialized) LoadForClassification(string directory, ITensorBackend backend,
        IReadOnlyList<string> labels, int seed = 0) => LoadForClassification(directory, backend, labels, BuiltInComponents.Kinds, seed);

    /// <summary>As <see cref="LoadForClassification(string, ITensorBackend, IReadOnlyList{string}, int)"/>, with the kinds config.json names looked up in <paramref name="kinds"/>.</summary>
    public static (BertModel Model, IReadOnlyList<string> Initialized) LoadForClassification(string directory, ITensorBackend backend,
        IReadOnlyList<string> labels, IComponentKinds kinds, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var (saved, components, _, path) = Saved(directory, kinds);
        if (saved.Kinds is not null)
        {
            bool sameLabels = saved.Labels.SequenceEqual(labels, StringComparer.Ordinal);
            var classifier = new BertModel(saved with { Labels = [.. labels] }, backend, BertHeads.SequenceClassification, seed, components);
            // The MLM head is not used, a classifier for other labels is not this one; pooler and classifier may be new.
            var fresh = StateDict.Load(classifier, path,
                ignored: n => n.StartsWith(MlmHeadPrefix, StringComparison.Ordinal) || (!sameLabels && n.StartsWith(ClassifierPrefix, StringComparison.Ordinal)),
                mayBeMissing: n => n.StartsWith(PoolerPrefix, StringComparison.Ordinal) || n.StartsWith(ClassifierPrefix, StringComparison.Ordinal));
            return (classifier, fresh);
        }
        using var file = SafeTensorsFile.Open(path);
        var stored = Canonical(file, path);
        if (!saved.Labels.SequenceEqual(labels, StringComparer.Ordinal))
        {
            stored.Remove(BertTensorNames.ClassifierWeight);
            stored.Remove(BertTensorNames.ClassifierBias);
        }
        foreach (string name in stored.Keys.Where(n => n.StartsWith("cls.predictions.", StringComparison.Ordinal)).ToList())
            stored.Remove(name);
        var config = saved with { Labels = [.. labels] };
        var found = Match(config, BertHeads.SequenceClassification, stored, path, newHeadsAllowed: true, out var initialized);
        var model = new BertModel(config, backend, BertHeads.SequenceClassification, seed, components);
        ReadWeights(model, file, found);
        return (model, initialized);
    }

    /// <summary>
    /// Writes config.json (with "architectures" naming the heads' transformers class) and model.safetensors (F32,
    /// metadata format=pt; the tied decoder is not written, as transformers does) into <paramref name="directory"/>,
    /// each file atomically; with <paramref name="maxShardBytes"/>, sharded as <see cref="Gpt2Checkpoint.Save"/> does.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="directory">The model directory to write.</param>
    /// <param name="maxShardBytes">The most bytes of tensor data per shard; null (default) writes one model.safetensors.</param>
    /// <remarks>
    /// The kinds recorded are the names of those the model was built from (<see cref="BertModel.Components"/>): a
    /// model of kinds the Hugging Face keys cannot select is written as config.json with its "llmforge" key and the
    /// model's <see cref="StateDict"/>; a BERT of built-in kinds is written exactly as before.
    /// </remarks>
    public static void Save(BertModel model, string directory, long? maxShardBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var config = model.Components.Describe(model.Config);
        config.Validate();
        Directory.CreateDirectory(directory);
        if (config.Kinds is not null)
        {
            ModelWeights.Write(directory, StateDict.Tensors(model), StateDict.DefaultMetadata, maxShardBytes);
            BertConfigJson.Save(config, Path.Combine(directory, BertConfigJson.FileName), model.Heads.Architecture);
            return;
        }
        var tensors = BertParameterMap.For(model.Config, model.Heads)
            .Select(row => (row.HfName, row.Shape, (ReadOnlyMemory<float>)model.GetParameter(row.Parameter).Data))
            .ToList();
        ModelWeights.Write(directory, tensors, StateDict.DefaultMetadata, maxShardBytes);
        BertConfigJson.Save(config, Path.Combine(directory, BertConfigJson.FileName), model.Heads.Architecture);
    }

    /// <summary>
    /// Checks model.safetensors against <paramref name="config"/> from its header alone (no weights read, so the tied
    /// decoder's values are not compared): which heads it holds and every missing, unexpected, mis-shaped or non-float
    /// tensor, by the rules <see cref="Load(string, ITensorBackend, int)"/> applies.
    /// </summary>
    public static BertWeightsReport Inspect(string path, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var file = SafeTensorsFile.Open(path);
        return config.Kinds is null ? Report(file, config, allValues: false) : StateDictReport(file, allValues: false);
    }

    /// <summary>
    /// The loader's verdict on <paramref name="directory"/> without building a model: config.json is read (a bad one
    /// throws), then model.safetensors is checked by <see cref="Load(string, ITensorBackend, int)"/>'s rules — the header as <see cref="Inspect"/>
    /// does, then the values (a tied decoder equal to the word embeddings; every tensor finite).
    /// </summary>
    /// <remarks>
    /// A state dict (a config.json with a "llmforge" key) is checked for its kinds — each must be in
    /// <paramref name="kinds"/> (default: the built-ins) — and for dtypes and finite values; its names and shapes
    /// are those of the model the kinds build, checked when it loads.
    /// </remarks>
    public static BertWeightsReport Check(string directory, IComponentKinds? kinds = null)
    {
        var (config, _, _, path) = Saved(directory, kinds ?? BuiltInComponents.Kinds);
        using var file = SafeTensorsFile.Open(path);
        return config.Kinds is null ? Report(file, config, allValues: true) : StateDictReport(file, allValues: true);
    }

    private const string PoolerPrefix = "pooler.", MlmHeadPrefix = "mlm_head.", ClassifierPrefix = "classifier.";

    /// <summary>The heads a state dict holds, by BertModel's module names.</summary>
    private static BertHeads StateDictHeads(SafeTensorsFile file) => new(
        Pooler: file.Entries.Any(e => e.Name.StartsWith(PoolerPrefix, StringComparison.Ordinal)),
        MaskedLM: file.Entries.Any(e => e.Name.StartsWith(MlmHeadPrefix, StringComparison.Ordinal)),
        Classifier: file.Entries.Any(e => e.Name.StartsWith(ClassifierPrefix, StringComparison.Ordinal)));

    /// <exception cref="CheckpointFormatException">The state dict holds a classifier but config.json no labels for it.</exception>
    private static BertHeads StateDictHeads(string path, BertConfig config, string configPath)
    {
        using var file = SafeTensorsFile.Open(path);
        var heads = StateDictHeads(file);
        if (heads.Classifier && config.Labels.Count == 0)
            throw new CheckpointFormatException(configPath,
                $"{path} holds a classifier but key \"id2label\" is missing: the class names are needed to build it.");
        return heads;
    }

    private static BertWeightsReport StateDictReport(SafeTensorsFile file, bool allValues) =>
        new(file.FilePath, StateDictHeads(file), file.Entries.Count, file.Entries.Sum(e => e.ElementCount), LoadProblems.DTypes(file),
            LoadProblems.Capped(StateDict.FileProblems(file, allValues)));

    /// <summary>What both loads read first: config.json, the kinds it names resolved in <paramref name="kinds"/>, and the paths of both files.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or a kind it names is not registered (the message names it and how to register it).</exception>
    private static (BertConfig Config, BertComponents Components, string ConfigPath, string WeightsPath) Saved(string directory, IComponentKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(kinds);
        string configPath = ModelFile.InDirectory(directory, BertConfigJson.FileName);
        var config = BertConfigJson.Load(configPath);
        var components = ComponentKindsJson.Resolve(() => BertComponents.For(config, kinds), configPath);
        return (config, components, configPath, ModelWeights.Find(directory));
    }

    private static BertWeightsReport Report(SafeTensorsFile file, BertConfig config, bool allValues)
    {
        var problems = new List<string>();
        var stored = Canonical(file, file.FilePath, compareTied: allValues, problems);
        var heads = HeadsOf(stored, config);
        var parameters = stored.Values.Sum(e => e.ElementCount);
        var labelled = config with { Labels = heads.Classifier && config.Labels.Count == 0 ? ["?"] : config.Labels };
        if (problems.Count == 0) problems.AddRange(MatchProblems(labelled, heads, new(stored), newHeadsAllowed: false, [], [], ConfigWants));
        if (problems.Count == 0 && allValues) problems.AddRange(StateDict.FileProblems(file, allValues: true)); // the first bad tensor is the verdict
        return new BertWeightsReport(file.FilePath, heads, file.Entries.Count, parameters, LoadProblems.DTypes(file), LoadProblems.Capped(problems));
    }

    private static BertHeads HeadsOf(Dictionary<string, SafeTensorsEntry> stored, BertConfig config) => new(
        Pooler: stored.ContainsKey(BertTensorNames.PoolerWeight),
        MaskedLM: stored.ContainsKey(BertTensorNames.MlmBias) || stored.ContainsKey(BertTensorNames.MlmTransformWeight),
        Classifier: stored.ContainsKey(BertTensorNames.ClassifierWeight));

    private static Dictionary<string, SafeTensorsEntry> Canonical(SafeTensorsFile file, string path)
    {
        var problems = new List<string>();
        var stored = Canonical(file, path, compareTied: true, problems);
        if (problems.Count > 0) throw new CheckpointFormatException(path, string.Join("; ", problems) + ".");
        return stored;
    }

    // canonical HF name → entry; ignored tensors dropped; the tied decoder checked and dropped.
    private static Dictionary<string, SafeTensorsEntry> Canonical(SafeTensorsFile file, string path, bool compareTied, List<string> problems)
    {
        var stored = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
        {
            string name = BertTensorNames.Canonicalize(entry.Name);
            if (BertTensorNames.IsIgnored(name)) continue;
            if (!stored.TryAdd(name, entry))
                problems.Add($"tensors '{stored[name].Name}' and '{entry.Name}' are the same parameter");
        }
        // An old checkpoint may hold the MLM bias only as decoder.bias.
        if (!stored.ContainsKey(BertTensorNames.MlmBias) && stored.Remove(BertTensorNames.MlmDecoderBias, out var decoderBias))
            stored[BertTensorNames.MlmBias] = decoderBias;
        CheckTied(file, stored, BertTensorNames.MlmDecoderWeight, BertTensorNames.WordEmbeddings, compareTied, problems);
        CheckTied(file, stored, BertTensorNames.MlmDecoderBias, BertTensorNames.MlmBias, compareTied, problems);
        return stored;
    }

    // A tied copy must equal what it is tied to; it is then dropped (the model has one tensor for both).
    private static void CheckTied(SafeTensorsFile file, Dictionary<string, SafeTensorsEntry> stored, string copy, string original,
        bool compareValues, List<string> problems)
    {
        if (!stored.Remove(copy, out var copyEntry) || !stored.TryGetValue(original, out var originalEntry)) return;
        if (!copyEntry.Shape.AsSpan().SequenceEqual(originalEntry.Shape)
            || (compareValues && !file.ReadFloat32(copyEntry.Name).AsSpan().SequenceEqual(file.ReadFloat32(originalEntry.Name))))
            problems.Add($"tensor '{copyEntry.Name}' differs from '{originalEntry.Name}', to which BERT ties it");
    }

    /// <summary>The stored tensor of every row the model loads, or one exception listing every problem.</summary>
    private static List<(BertTensorMapping Row, SafeTensorsEntry Entry)> Match(BertConfig config, BertHeads heads,
        Dictionary<string, SafeTensorsEntry> stored, string path, bool newHeadsAllowed, out List<string> initialized)
    {
        var found = new List<(BertTensorMapping Row, SafeTensorsEntry Entry)>();
        initialized = [];
        var problems = MatchProblems(config, heads, stored, newHeadsAllowed, found, initialized, ModelWants);
        if (problems.Count > 0) throw new CheckpointFormatException(path, Describe(problems, config, heads));
        return found;
    }

    /// <summary>
    /// The header rules: the layer count first (one line for a config.json asking for far more layers than the file
    /// holds), then dtypes, missing, mis-shaped and unexpected tensors. Consumes <paramref name="stored"/>.
    /// </summary>
    private static List<string> MatchProblems(BertConfig config, BertHeads heads, Dictionary<string, SafeTensorsEntry> stored,
        bool newHeadsAllowed, List<(BertTensorMapping Row, SafeTensorsEntry Entry)> found, List<string> initialized, string wants)
    {
        if (LoadProblems.LayerCountProblem(stored.Keys, "bert.encoder.layer.", config.Layers, "num_hidden_layers", WeightsFileName) is { } layers)
            return [layers];
        var problems = stored.Values.Select(LoadProblems.DTypeProblem).OfType<string>().ToList();
        foreach (var row in BertParameterMap.For(config, heads))
        {
            if (!stored.Remove(row.HfName, out var entry))
            {
                if (newHeadsAllowed && IsHead(row.HfName)) initialized.Add(row.HfName);
                else problems.Add($"missing tensor '{row.HfName}' {LoadProblems.Shape(row.Shape)}");
            }
            else if (!entry.Shape.AsSpan().SequenceEqual(row.Shape))
                problems.Add($"tensor '{entry.Name}' has shape {LoadProblems.Shape(entry.Shape)} but {wants} {LoadProblems.Shape(row.Shape)}");
            else found.Add((row, entry));
        }
        foreach (var (_, entry) in stored)
            problems.Add($"unexpected tensor '{entry.Name}' {LoadProblems.Shape(entry.Shape)}");
        return problems;
    }

    /// <summary>Reads every matched tensor into the model, refusing the first that is not finite.</summary>
    private static void ReadWeights(BertModel model, SafeTensorsFile file, List<(BertTensorMapping Row, SafeTensorsEntry Entry)> found)
    {
        foreach (var (row, entry) in found)
        {
            var data = model.GetParameter(row.Parameter).Data;
            file.ReadInto(entry.Name, data);
            TensorValues.ThrowIfNonFinite(file.FilePath, entry.Name, data);
        }
    }

    private static bool IsHead(string hfName) =>
        hfName.StartsWith("bert.pooler.", StringComparison.Ordinal) || hfName.StartsWith("classifier.", StringComparison.Ordinal);

    private static string Describe(List<string> problems, BertConfig c, BertHeads heads)
    {
        var text = new StringBuilder()
            .Append($"does not match the BERT model (num_hidden_layers {c.Layers}, hidden_size {c.HiddenSize}, ")
            .Append($"vocab_size {c.VocabSize}, layer_norm_position {c.NormPosition.ToString().ToLowerInvariant()}, {heads}): ");
        return text.AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString();
    }
}

/// <summary>What <see cref="BertCheckpoint.Inspect"/> found in a model.safetensors header.</summary>
public sealed record BertWeightsReport(string Path, BertHeads Heads, int Tensors, long Parameters, IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems)
{
    /// <summary>True when the header (and, for a check, the values) raised no problem: the directory loads.</summary>
    public bool Matches => Problems.Count == 0;
}
