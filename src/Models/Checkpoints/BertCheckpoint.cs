using System.Text;
using LlmForge.Backends;
using LlmForge.Bert;

namespace LlmForge.Checkpoints;

/// <summary>
/// Loads and saves a <see cref="BertModel"/> as a Hugging Face BERT directory — config.json plus model.safetensors
/// with BERT's tensor names — through the explicit table <see cref="BertParameterMap"/>. A directory saved here
/// loads in transformers (<c>BertForMaskedLM.from_pretrained(dir)</c>, or the class its "architectures" names),
/// and HF BERT directories load here: old TensorFlow-era names (LayerNorm.gamma/beta), BertModel names without
/// "bert.", the position_ids buffer and the next-sentence head are all accepted (see <see cref="BertTensorNames"/>).
/// </summary>
public static class BertCheckpoint
{
    public const string WeightsFileName = "model.safetensors";

    /// <summary>Builds the model config.json describes, with the heads model.safetensors holds, and loads every weight.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not match it (all problems in one message).</exception>
    public static BertModel Load(string directory, ITensorBackend backend, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = BertConfigJson.Load(RequireFile(directory, BertConfigJson.FileName));
        string path = RequireFile(directory, WeightsFileName);
        using var file = SafeTensorsFile.Open(path);
        var stored = Canonical(file, path);
        var heads = HeadsOf(stored, config);
        if (heads.Classifier && config.Labels.Count == 0)
            throw new CheckpointFormatException(Path.Combine(directory, BertConfigJson.FileName),
                $"{path} holds a classifier but key \"id2label\" is missing: the class names are needed to build it.");
        var model = new BertModel(config, backend, heads, seed);
        LoadWeights(model, file, stored, path, newHeadsAllowed: false);
        return model;
    }

    /// <summary>
    /// For fine-tuning a classifier on <paramref name="labels"/>: the encoder (and pooler, if saved) from
    /// <paramref name="directory"/>, plus a classifier that is loaded when the checkpoint has one for the same labels
    /// and freshly initialized otherwise. Saved heads the model does not use (the MLM head) are left out.
    /// </summary>
    /// <returns>The model and the HF names of the tensors that were initialized rather than loaded.</returns>
    public static (BertModel Model, IReadOnlyList<string> Initialized) LoadForClassification(string directory, ITensorBackend backend,
        IReadOnlyList<string> labels, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(labels);
        var saved = BertConfigJson.Load(RequireFile(directory, BertConfigJson.FileName));
        string path = RequireFile(directory, WeightsFileName);
        using var file = SafeTensorsFile.Open(path);
        var stored = Canonical(file, path);
        if (!saved.Labels.SequenceEqual(labels, StringComparer.Ordinal))
        {
            stored.Remove(BertTensorNames.ClassifierWeight);
            stored.Remove(BertTensorNames.ClassifierBias);
        }
        foreach (string name in stored.Keys.Where(n => n.StartsWith("cls.predictions.", StringComparison.Ordinal)).ToList())
            stored.Remove(name);
        var model = new BertModel(saved with { Labels = [.. labels] }, backend, BertHeads.SequenceClassification, seed);
        return (model, LoadWeights(model, file, stored, path, newHeadsAllowed: true));
    }

    /// <summary>
    /// Writes config.json (with "architectures" naming the heads' transformers class) and model.safetensors (F32,
    /// metadata format=pt; the tied decoder is not written, as transformers does) into <paramref name="directory"/>,
    /// each file atomically.
    /// </summary>
    public static void Save(BertModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var tensors = BertParameterMap.For(model.Config, model.Heads)
            .Select(row => (row.HfName, row.Shape, (ReadOnlyMemory<float>)model.GetParameter(row.Parameter).Data))
            .ToList();
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        BertConfigJson.Save(model.Config, Path.Combine(directory, BertConfigJson.FileName), model.Heads.Architecture);
    }

    /// <summary>
    /// Checks model.safetensors against <paramref name="config"/> from its header alone (no weights read, so the tied
    /// decoder's values are not compared): which heads it holds and every missing, unexpected or mis-shaped tensor.
    /// </summary>
    public static BertWeightsReport Inspect(string path, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var file = SafeTensorsFile.Open(path);
        var problems = new List<string>();
        var stored = Canonical(file, path, compareTied: false, problems);
        var heads = HeadsOf(stored, config);
        var parameters = stored.Values.Sum(e => e.ElementCount);
        var map = BertParameterMap.For(config with { Labels = heads.Classifier && config.Labels.Count == 0 ? ["?"] : config.Labels }, heads);
        foreach (var row in map)
        {
            if (!stored.Remove(row.HfName, out var entry)) problems.Add($"missing tensor '{row.HfName}' {Format(row.Shape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(row.Shape))
                problems.Add($"tensor '{entry.Name}' has shape {Format(entry.Shape)} but config.json asks for {Format(row.Shape)}");
        }
        foreach (var (_, entry) in stored) problems.Add($"unexpected tensor '{entry.Name}' {Format(entry.Shape)}");
        var dtypes = file.Entries.Select(e => e.DType.ToHeaderName()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new BertWeightsReport(path, heads, file.Entries.Count, parameters, dtypes, problems);
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

    private static List<string> LoadWeights(BertModel model, SafeTensorsFile file, Dictionary<string, SafeTensorsEntry> stored,
        string path, bool newHeadsAllowed)
    {
        var map = BertParameterMap.For(model.Config, model.Heads);
        var problems = new List<string>();
        var initialized = new List<string>();
        var found = new List<(BertTensorMapping Row, SafeTensorsEntry Entry)>();
        foreach (var row in map)
        {
            if (!stored.Remove(row.HfName, out var entry))
            {
                if (newHeadsAllowed && IsHead(row.HfName)) initialized.Add(row.HfName);
                else problems.Add($"missing tensor '{row.HfName}' {Format(row.Shape)}");
            }
            else if (!entry.Shape.AsSpan().SequenceEqual(row.Shape))
                problems.Add($"tensor '{entry.Name}' has shape {Format(entry.Shape)} but the model expects {Format(row.Shape)}");
            else found.Add((row, entry));
        }
        foreach (var (_, entry) in stored)
            problems.Add($"unexpected tensor '{entry.Name}' {Format(entry.Shape)}");
        if (problems.Count > 0) throw new CheckpointFormatException(path, Describe(problems, model));

        foreach (var (row, entry) in found)
            file.ReadInto(entry.Name, model.GetParameter(row.Parameter).Data);
        return initialized;
    }

    private static bool IsHead(string hfName) =>
        hfName.StartsWith("bert.pooler.", StringComparison.Ordinal) || hfName.StartsWith("classifier.", StringComparison.Ordinal);

    private static string Describe(List<string> problems, BertModel model)
    {
        var c = model.Config;
        var text = new StringBuilder()
            .Append($"does not match the BERT model (num_hidden_layers {c.Layers}, hidden_size {c.HiddenSize}, ")
            .Append($"vocab_size {c.VocabSize}, layer_norm_position {c.NormPosition.ToString().ToLowerInvariant()}, {model.Heads}): ");
        const int Shown = 8;
        text.AppendJoin("; ", problems.Take(Shown));
        if (problems.Count > Shown) text.Append($"; and {problems.Count - Shown} more");
        return text.Append('.').ToString();
    }

    private static string RequireFile(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no {name} in the checkpoint directory.", path);
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>What <see cref="BertCheckpoint.Inspect"/> found in a model.safetensors header.</summary>
public sealed record BertWeightsReport(string Path, BertHeads Heads, int Tensors, long Parameters, IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems)
{
    public bool Matches => Problems.Count == 0;
}
