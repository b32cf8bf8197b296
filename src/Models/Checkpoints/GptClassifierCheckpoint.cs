using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmForge.Backends;
using LlmForge.Gpt;

namespace LlmForge.Checkpoints;

/// <summary>
/// A <see cref="GptClassifier"/> as Hugging Face's GPT2ForSequenceClassification (LlamaForSequenceClassification for
/// the Llama layout) directory: the decoder's tensors under their usual names (no lm_head), "score.weight"
/// [num_labels, n_embd] without bias, and config.json with that architecture, id2label, label2id and pad_token_id.
/// A causal LM directory (GPT2LMHeadModel) loads as a classifier too, its LM head dropped and a new score drawn.
/// </summary>
public static class GptClassifierCheckpoint
{
    /// <summary>The classification head's tensor.</summary>
    public const string ScoreWeight = "score.weight";

    /// <summary>
    /// The decoder of <paramref name="directory"/> with a classifier for <paramref name="labels"/>: the directory's
    /// score when it was saved for the same labels, else a new one (listed in Initialized).
    /// </summary>
    /// <param name="directory">A GPT-2 or Llama-layout model directory (a causal LM or a classifier).</param>
    /// <param name="backend">Where the model computes.</param>
    /// <param name="labels">The classes, in class-id order.</param>
    /// <param name="padTokenId">The padding id; null: the directory's pad_token_id, else its eos_token_id (GPT-2's &lt;|endoftext|&gt;) when in the vocabulary, else 0.</param>
    /// <param name="seed">Draws a new score.</param>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not fit it (every problem named).</exception>
    public static (GptClassifier Classifier, IReadOnlyList<string> Initialized) LoadForClassification(string directory, ITensorBackend backend,
        IReadOnlyList<string> labels, int? padTokenId = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var (config, saved, savedPad, path) = ReadConfig(directory);
        using var file = SafeTensorsFile.Open(ModelWeights.Find(directory));
        bool keepScore = saved.SequenceEqual(labels, StringComparer.Ordinal) && file.Contains(ScoreWeight);
        var classifier = new GptClassifier(new GptModel(config, backend, seed), labels, padTokenId ?? savedPad ?? DefaultPad(config), seed);
        ReadWeights(classifier, file, path, keepScore);
        return (classifier, keepScore ? [] : [ScoreWeight]);
    }

    /// <summary>A classifier saved by <see cref="Save"/> (or transformers): its labels, pad id and score as saved.</summary>
    /// <exception cref="CheckpointFormatException">No id2label or no score.weight (a causal LM: fine-tune it first), or weights that do not fit.</exception>
    public static GptClassifier Load(string directory, ITensorBackend backend)
    {
        var (config, labels, pad, path) = ReadConfig(directory);
        if (labels.Count < 2) throw new CheckpointFormatException(path, "has no \"id2label\" of two or more classes: it is not a sequence classifier.");
        using var file = SafeTensorsFile.Open(ModelWeights.Find(directory));
        if (!file.Contains(ScoreWeight)) throw new CheckpointFormatException(file.FilePath, $"has no '{ScoreWeight}': it is not a sequence classifier.");
        var classifier = new GptClassifier(new GptModel(config, backend), labels, pad ?? DefaultPad(config));
        ReadWeights(classifier, file, path, keepScore: true);
        return classifier;
    }

    /// <summary>Whether <paramref name="directory"/>'s config.json names a ...ForSequenceClassification architecture.</summary>
    public static bool IsClassifier(string directory)
    {
        string path = Path.Combine(directory, GptConfigJson.FileName);
        if (!File.Exists(path)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["architectures"] is JsonArray a
                && a.Any(n => n is JsonValue v && v.TryGetValue<string>(out var s) && s.EndsWith("ForSequenceClassification", StringComparison.Ordinal));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes config.json and model.safetensors (each atomically) as transformers' sequence classifier.</summary>
    public static void Save(GptClassifier classifier, string directory)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(directory);
        var model = classifier.Model;
        if (model.Config.Kinds is not null || model.Components.Describe(model.Config).Kinds is not null)
            throw new NotSupportedException("GptClassifierCheckpoint: a model of custom kinds has no Hugging Face classifier layout.");
        Directory.CreateDirectory(directory);
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>();
        foreach (var row in Gpt2ParameterMap.For(model.Config).Where(r => !IsLmHead(r.HfName)))
        {
            var data = new float[row.HfShape.Aggregate(1L, (n, d) => n * d)];
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.FromParameter(row, p, model.GetParameter(row.Parameters[p]).Data, data);
            tensors.Add((row.HfName, row.HfShape, data));
        }
        tensors.Add((ScoreWeight, classifier.Score.Weight.Shape, classifier.Score.Weight.Data));
        ModelWeights.Write(directory, tensors, StateDict.DefaultMetadata, maxShardBytes: null);

        var json = JsonNode.Parse(GptConfigJson.ToJson(model.Config))!.AsObject();
        json["architectures"] = new JsonArray(model.Config.IsLlamaLayout ? "LlamaForSequenceClassification" : "GPT2ForSequenceClassification");
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < classifier.Labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = classifier.Labels[i];
            label2id[classifier.Labels[i]] = i;
        }
        json["id2label"] = id2label;
        json["label2id"] = label2id;
        json["pad_token_id"] = classifier.PadTokenId;
        AtomicFile.WriteAllText(Path.Combine(directory, GptConfigJson.FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>eos_token_id (GPT-2's &lt;|endoftext|&gt;, what GPT-2 classifiers pad with) when it is in the vocabulary, else 0.</summary>
    private static int DefaultPad(GptConfig config) => config.EosTokenId < config.VocabSize ? config.EosTokenId : 0;

    private static bool IsLmHead(string hfName) => hfName == Gpt2TensorNames.LmHead;

    /// <summary>config.json's model, its id2label (empty without) and pad_token_id (null without).</summary>
    private static (GptConfig Config, IReadOnlyList<string> Labels, int? Pad, string Path) ReadConfig(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = ModelFile.InDirectory(directory, GptConfigJson.FileName);
        var config = GptConfigJson.Load(path);
        if (config.Kinds is not null)
            throw new CheckpointFormatException(path, $"key \"{ComponentKindsJson.Key}\" names custom kinds; a GPT classifier loads the Hugging Face layouts only.");
        var json = JsonNode.Parse(ModelFile.ReadAllText(path))!.AsObject();
        var labels = new List<string>();
        if (json["id2label"] is JsonObject id2label)
        {
            var byId = new SortedDictionary<int, string>();
            foreach (var (key, value) in id2label)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || value is not JsonValue v || !v.TryGetValue<string>(out var label))
                    throw new CheckpointFormatException(path, $"key \"id2label\": entry \"{key}\" must map a class id to a label string.");
                byId[id] = label;
            }
            if (byId.Count > 0 && (byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1))
                throw new CheckpointFormatException(path, $"key \"id2label\" must number its classes 0 … {byId.Count - 1}, got {string.Join(", ", byId.Keys)}.");
            labels.AddRange(byId.Values);
        }
        int? pad = json["pad_token_id"] is JsonValue p && p.TryGetValue<int>(out int padId) ? padId : null;
        return (config, labels, pad, path);
    }

    /// <summary>The decoder's tensors (and the score, when kept) into <paramref name="classifier"/>; every problem in one message.</summary>
    private static void ReadWeights(GptClassifier classifier, SafeTensorsFile file, string configPath, bool keepScore)
    {
        var model = classifier.Model;
        var stored = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
            if (!Gpt2TensorNames.IsIgnoredBuffer(entry.Name)) stored.TryAdd(Gpt2TensorNames.Canonicalize(entry.Name), entry);
        var rows = Gpt2ParameterMap.For(model.Config).Where(r => !IsLmHead(r.HfName)).ToList();
        var problems = new List<string>();
        foreach (var row in rows)
        {
            if (!stored.TryGetValue(row.HfName, out var entry)) problems.Add($"missing tensor '{row.HfName}' {LoadProblems.Shape(row.HfShape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(row.HfShape))
                problems.Add($"tensor '{entry.Name}' has shape {LoadProblems.Shape(entry.Shape)} but {configPath} asks for {LoadProblems.Shape(row.HfShape)}");
            else if (LoadProblems.DTypeProblem(entry) is { } dtype) problems.Add(dtype);
        }
        int[] score = classifier.Score.Weight.Shape;
        if (keepScore && !stored[ScoreWeight].Shape.AsSpan().SequenceEqual(score))
            problems.Add($"tensor '{ScoreWeight}' has shape {LoadProblems.Shape(stored[ScoreWeight].Shape)} but the {classifier.Labels.Count} labels ask for {LoadProblems.Shape(score)}");
        if (problems.Count > 0)
            throw new CheckpointFormatException(file.FilePath, "does not match the classifier: " + string.Join("; ", LoadProblems.Capped(problems)) + ".");
        foreach (var row in rows)
        {
            string name = stored[row.HfName].Name;
            var data = file.ReadFloat32(name);
            TensorValues.ThrowIfNonFinite(file.FilePath, name, data);
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.ToParameter(row, p, data, model.GetParameter(row.Parameters[p]).Data);
        }
        if (!keepScore) return;
        var values = file.ReadFloat32(stored[ScoreWeight].Name);
        TensorValues.ThrowIfNonFinite(file.FilePath, ScoreWeight, values);
        values.CopyTo(classifier.Score.Weight.Data, 0);
    }
}
