using System.Text;
using LlmForge.Backends;
using LlmForge.EncoderDecoder;

namespace LlmForge.Checkpoints;

/// <summary>
/// Loads and saves an <see cref="EncoderDecoderModel"/> as a Hugging Face MarianMT directory — config.json
/// (<see cref="MarianConfigJson"/>) plus model.safetensors with Marian's tensor names (<see cref="MarianParameterMap"/>).
/// Loads what <c>MarianMTModel.save_pretrained</c> writes (model.shared.weight, and any of its tied copies
/// model.{encoder,decoder}.embed_tokens.weight and lm_head.weight, which must equal it; the sinusoid tables
/// model.{encoder,decoder}.embed_positions.weight, which must be the model's own); saves the same.
/// </summary>
public static class MarianCheckpoint
{
    /// <summary>The weights' file name in a model directory.</summary>
    public const string WeightsFileName = ModelWeights.FileName;

    /// <summary>
    /// Largest |Δ| allowed between a saved sinusoid table and the model's: float32 rounding of sin and cos (HF computes
    /// them in float64 or float32 depending on its version).
    /// </summary>
    public const float PositionTolerance = 1e-4f;

    /// <summary>Whether <paramref name="directory"/>'s config.json is a MarianMT (or LlmForge pre-LN encoder-decoder) config.</summary>
    public static bool IsMarianDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, MarianConfigJson.FileName);
        return File.Exists(path) && MarianConfigJson.IsMarianModelType(BertConfigJson.ReadModelType(path));
    }

    /// <summary>Builds the model config.json describes and loads every weight of model.safetensors.</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json, or weights that do not match it (every problem in one message).</exception>
    public static EncoderDecoderModel Load(string directory, ITensorBackend backend, int seed = 0)
    {
        var (config, path) = Saved(directory);
        using var file = SafeTensorsFile.Open(path);
        // The header must agree with config.json before the model is allocated (a config.json asking for 10,000 layers).
        var problems = new List<string>();
        var found = Match(file, config, problems, allValues: true);
        if (problems.Count > 0) throw new CheckpointFormatException(path, Describe(problems, config));
        var model = new EncoderDecoderModel(config, backend, seed);
        foreach (var (row, entry) in found)
        {
            var data = model.GetParameter(row.Parameter).Data;
            file.ReadInto(entry.Name, data);
            TensorValues.ThrowIfNonFinite(path, entry.Name, data);
        }
        return model;
    }

    /// <summary>
    /// Writes config.json and model.safetensors (F32, metadata format=pt, HF names; the tied copies of model.shared.weight
    /// are not written, as save_pretrained does not; the sinusoid tables are) into <paramref name="directory"/>, each atomically.
    /// </summary>
    public static void Save(EncoderDecoderModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var config = model.Config;
        var table = model.Positions.Table(0, config.MaxPositions).ToArray(); // [P, C]
        var tensors = MarianParameterMap.For(config)
            .Select(row => (row.HfName, row.Shape, (ReadOnlyMemory<float>)model.GetParameter(row.Parameter).Data))
            .Concat(MarianParameterMap.PositionTables.Select(name => (name, new[] { config.MaxPositions, config.ModelDim }, (ReadOnlyMemory<float>)table)))
            .OrderBy(t => t.Item1, StringComparer.Ordinal)
            .ToList();
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        MarianConfigJson.Save(config, Path.Combine(directory, MarianConfigJson.FileName));
    }

    /// <summary>
    /// The loader's verdict on <paramref name="directory"/> without building a model: config.json is read (a bad one
    /// throws), then model.safetensors is checked by <see cref="Load"/>'s rules — names, shapes, dtypes, tied copies, the
    /// sinusoid tables and finite values.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad config.json.</exception>
    public static MarianWeightsReport Check(string directory)
    {
        var (config, path) = Saved(directory);
        using var file = SafeTensorsFile.Open(path);
        var problems = new List<string>();
        var found = Match(file, config, problems, allValues: true);
        foreach (var (_, entry) in found)
        {
            if (problems.Count > 0) break; // the first bad tensor is the verdict
            if (!file.ReadFloat32(entry.Name).All(float.IsFinite)) problems.Add($"tensor '{entry.Name}' holds a NaN or infinity");
        }
        return new MarianWeightsReport(path, config, file.Entries.Count, found.Sum(f => f.Entry.ElementCount),
            LoadProblems.DTypes(file), LoadProblems.Capped(problems));
    }

    /// <summary>What both read first: config.json (validated) and the weights' path (model.safetensors or a sharded index, <see cref="ModelWeights.Find"/>).</summary>
    /// <exception cref="CheckpointFormatException">A bad config.json.</exception>
    private static (EncoderDecoderConfig Config, string WeightsPath) Saved(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = MarianConfigJson.Load(ModelFile.InDirectory(directory, MarianConfigJson.FileName));
        return (config, ModelWeights.Find(directory));
    }

    /// <summary>Each parameter row's stored tensor; every problem (layer count, dtype, missing, shape, tied copy, table, unexpected) into <paramref name="problems"/>.</summary>
    private static List<(TensorMapping Row, SafeTensorsEntry Entry)> Match(SafeTensorsFile file, EncoderDecoderConfig config,
        List<string> problems, bool allValues)
    {
        var found = new List<(TensorMapping Row, SafeTensorsEntry Entry)>();
        var stored = file.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (prefix, layers, key) in new[] { ("model.encoder.layers.", config.EncoderLayers, "encoder_layers"),
                     ("model.decoder.layers.", config.DecoderLayers, "decoder_layers") })
            if (LoadProblems.LayerCountProblem(stored.Keys, prefix, layers, key, WeightsFileName) is { } layerProblem)
            {
                problems.Add(layerProblem);
                return found;
            }
        problems.AddRange(stored.Values.Select(LoadProblems.DTypeProblem).OfType<string>());
        if (problems.Count > 0) return found;

        // model.shared.weight, or (older files) a tied copy standing for it; every other copy must equal it
        if (!stored.ContainsKey(MarianParameterMap.Shared)
            && MarianParameterMap.TiedCopies.FirstOrDefault(stored.ContainsKey) is { } stand)
        {
            stored[MarianParameterMap.Shared] = stored[stand];
            stored.Remove(stand);
        }
        foreach (string copy in MarianParameterMap.TiedCopies)
        {
            if (!stored.Remove(copy, out var copyEntry) || !stored.TryGetValue(MarianParameterMap.Shared, out var shared)) continue;
            if (!copyEntry.Shape.AsSpan().SequenceEqual(shared.Shape)
                || (allValues && !file.ReadFloat32(copyEntry.Name).AsSpan().SequenceEqual(file.ReadFloat32(shared.Name))))
                problems.Add($"tensor '{copyEntry.Name}' differs from '{shared.Name}', to which Marian ties it");
        }
        int[] tableShape = [config.MaxPositions, config.ModelDim];
        float[]? ours = null;
        foreach (string name in MarianParameterMap.PositionTables)
        {
            if (!stored.Remove(name, out var entry)) continue; // optional: the model computes its own
            if (!entry.Shape.AsSpan().SequenceEqual(tableShape))
            {
                problems.Add($"tensor '{name}' has shape {LoadProblems.Shape(entry.Shape)} but the sinusoid table is {LoadProblems.Shape(tableShape)}");
                continue;
            }
            if (!allValues) continue;
            ours ??= SinusoidTable(config);
            var saved = file.ReadFloat32(name);
            double worst = 0;
            for (int i = 0; i < saved.Length; i++) worst = Math.Max(worst, Math.Abs(saved[i] - ours[i]));
            if (!(worst <= PositionTolerance))
                problems.Add($"tensor '{name}' is not the sinusoid table (sin in the first half of the dims, cos in the second): max |Δ| {worst:G3}");
        }
        foreach (var row in MarianParameterMap.For(config))
        {
            if (!stored.Remove(row.HfName, out var entry))
                problems.Add($"missing tensor '{row.HfName}' {LoadProblems.Shape(row.Shape)}");
            else if (!entry.Shape.AsSpan().SequenceEqual(row.Shape))
                problems.Add($"tensor '{entry.Name}' has shape {LoadProblems.Shape(entry.Shape)} but the model expects {LoadProblems.Shape(row.Shape)}");
            else found.Add((row, entry));
        }
        foreach (var (_, entry) in stored.OrderBy(e => e.Key, StringComparer.Ordinal))
            problems.Add($"unexpected tensor '{entry.Name}' {LoadProblems.Shape(entry.Shape)}");
        return found;
    }

    /// <summary>The model's own table, [P·C], as <see cref="EncoderDecoderModel.Positions"/> computes it.</summary>
    private static float[] SinusoidTable(EncoderDecoderConfig config)
    {
        int c = config.ModelDim;
        var table = new float[(long)config.MaxPositions * c];
        for (int t = 0; t < config.MaxPositions; t++)
            for (int d = 0; d < c; d++)
                table[(long)t * c + d] = (float)Layers.SinusoidalPositionalEncoding.Entry(t, d, c, Layers.SinusoidLayout.Halves);
        return table;
    }

    private static string Describe(List<string> problems, EncoderDecoderConfig c) =>
        new StringBuilder()
            .Append($"does not match the Marian model (encoder_layers {c.EncoderLayers}, decoder_layers {c.DecoderLayers}, ")
            .Append($"d_model {c.ModelDim}, vocab_size {c.VocabSize}): ")
            .AppendJoin("; ", LoadProblems.Capped(problems)).Append('.').ToString();
}

/// <summary>What <see cref="MarianCheckpoint.Check"/> found in a MarianMT directory.</summary>
/// <param name="Path">model.safetensors.</param>
/// <param name="Config">What config.json describes.</param>
/// <param name="Tensors">Tensors in the file.</param>
/// <param name="Parameters">Elements of the tensors that load as parameters.</param>
/// <param name="DTypes">The dtypes stored.</param>
/// <param name="Problems">Every reason the directory would not load; empty when it does.</param>
public sealed record MarianWeightsReport(string Path, EncoderDecoderConfig Config, int Tensors, long Parameters,
    IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing stops the directory from loading.</summary>
    public bool Matches => Problems.Count == 0;
}
