using System.Text.Json;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>
/// Reads the standard benchmark workloads file (bench/workloads.json, a copy of the shared standard one):
/// <c>{"about": "…", "workloads": {"train-char": {"kind": "train", "model": {…}, …}, …}}</c>. Strict: every key
/// a workload has is honoured or rejected, so a workload never silently runs other shapes than the file says.
/// Errors are <see cref="InvalidDataException"/>s naming the file and the key path (workloads.train-char.batch_size).
/// </summary>
public static class WorkloadFile
{
    /// <summary>Every workload of the file at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Bad JSON, a missing or unknown key, or a bad value (the message names it).</exception>
    public static IReadOnlyList<Workload> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"workloads file '{path}' does not exist", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Every workload of <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<Workload> Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = new JsonObject(document.RootElement, "", source);
            root.OptionalString("about");
            var workloads = root.Object("workloads");
            var list = new List<Workload>();
            foreach (var property in workloads.Element.EnumerateObject())
                list.Add(ReadWorkload(new JsonObject(property.Value, workloads.PathOf(property.Name), source), property.Name));
            root.RejectUnknown();
            if (list.Count == 0) throw new InvalidDataException($"{source}: workloads is empty");
            return list;
        }
    }

    /// <summary>
    /// The workloads named in <paramref name="names"/> (in that order), or all of them when <paramref name="all"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name that is not in the file; the message lists the valid ones.</exception>
    public static IReadOnlyList<Workload> Select(IReadOnlyList<Workload> workloads, IReadOnlyList<string> names, bool all, string source)
    {
        if (all) return workloads;
        var selected = new List<Workload>();
        foreach (string name in names)
        {
            var workload = workloads.FirstOrDefault(w => w.Name == name)
                ?? throw new ArgumentException(
                    $"workload '{name}' is not in {source}; valid values: {string.Join(", ", workloads.Select(w => w.Name))}");
            if (!selected.Contains(workload)) selected.Add(workload);
        }
        return selected;
    }

    private static Workload ReadWorkload(JsonObject o, string name)
    {
        string kindText = o.String("kind");
        var kind = kindText switch
        {
            "train" => WorkloadKind.Train,
            "generate" => WorkloadKind.Generate,
            "encode" => WorkloadKind.Encode,
            "translate" => WorkloadKind.Translate,
            _ => throw o.Error("kind", $"'{kindText}' is not a workload kind; valid values: train, generate, encode, translate"),
        };
        var model = ReadModel(o.Object("model"));
        o.OptionalString("metric"); // prose for readers; the metric itself is fixed per kind (Workload.TokensPerStep)
        string runs = kind == WorkloadKind.Train ? "steps" : "runs";
        var workload = new Workload
        {
            Name = name,
            Kind = kind,
            Model = model,
            BatchSize = o.Int("batch_size", min: 1),
            SeqLen = kind == WorkloadKind.Generate ? 0 : o.Int("seq_len", min: 1),
            WarmupSteps = o.Int($"warmup_{runs}", min: 0),
            TimedSteps = o.Int($"timed_{runs}", min: 1),
            Optimizer = kind == WorkloadKind.Train ? ReadOptimizer(o.Object("optimizer")) : null,
            PromptTokens = kind == WorkloadKind.Generate ? o.Int("prompt_tokens", min: 1) : 0,
            NewTokens = kind is WorkloadKind.Generate or WorkloadKind.Translate ? o.Int("new_tokens", min: 1) : 0,
            NumBeams = kind == WorkloadKind.Translate ? o.Int("num_beams", min: 2) : 0,
        };
        if (kind == WorkloadKind.Generate)
        {
            string sampling = o.String("sampling");
            if (sampling != "greedy") throw o.Error("sampling", $"'{sampling}' is not supported; valid values: greedy");
            if (workload.BatchSize != 1) throw o.Error("batch_size", $"must be 1 for a generate workload, got {workload.BatchSize}");
            if (workload.PromptTokens + workload.NewTokens > model.ContextLength)
                throw o.Error("new_tokens", $"prompt_tokens + new_tokens = {workload.PromptTokens + workload.NewTokens} exceeds model.context_length {model.ContextLength}");
        }
        else if (workload.SeqLen > model.ContextLength)
            throw o.Error("seq_len", $"{workload.SeqLen} exceeds model.context_length {model.ContextLength}");
        if (kind == WorkloadKind.Translate && workload.NewTokens + 1 > model.ContextLength)
            throw o.Error("new_tokens", $"{workload.NewTokens} after the decoder start token exceeds model.context_length {model.ContextLength}");
        if (kind == WorkloadKind.Encode && model.Architecture != "bert")
            throw o.Error("kind", $"an encode workload needs a bert model, got '{model.Architecture}'");
        if ((kind == WorkloadKind.Translate) != (model.Architecture == "marian"))
            throw o.Error("kind", kind == WorkloadKind.Translate
                ? $"a translate workload needs a marian model, got '{model.Architecture}'"
                : $"a {kindText} workload cannot run a marian model (translate only)");
        if (kind is WorkloadKind.Train or WorkloadKind.Generate && model.Architecture is not ("gpt" or "llama"))
            throw o.Error("kind", $"a {kindText} workload needs a gpt or llama model, got '{model.Architecture}'");
        o.RejectUnknown();
        return workload;
    }

    private static WorkloadModel ReadModel(JsonObject o)
    {
        string architecture = o.String("architecture");
        if (architecture is not ("gpt" or "llama" or "bert" or "marian"))
            throw o.Error("architecture", $"'{architecture}' is not known; valid values: gpt, llama, bert, marian");
        bool llama = architecture == "llama";
        var model = new WorkloadModel
        {
            Architecture = architecture,
            VocabSize = o.Int("vocab_size", min: 1),
            ContextLength = o.Int("context_length", min: 1),
            EmbeddingDim = o.Int("emb_dim", min: 1),
            Heads = o.Int("n_heads", min: 1),
            Layers = o.Int("n_layers", min: 1),
            DropRate = o.Float("drop_rate", min: 0, max: 0.999f),
            QkvBias = o.Bool("qkv_bias"),
            TieWeights = architecture != "bert" && o.Bool("tie_weights"),
            TypeVocabSize = architecture == "bert" ? o.Int("type_vocab_size", min: 1) : 0,
            KvHeads = llama ? o.Int("n_kv_heads", min: 1) : 0,
            InnerDim = llama || architecture == "marian" ? o.Int("inner_dim", min: 1) : 0,
            RopeTheta = llama ? o.Float("rope_theta", min: float.Epsilon, max: float.MaxValue) : 0,
        };
        if (model.EmbeddingDim % model.Heads != 0)
            throw o.Error("n_heads", $"{model.Heads} does not divide emb_dim {model.EmbeddingDim}");
        if (architecture == "marian" && !(model.QkvBias && model.TieWeights))
            throw o.Error("qkv_bias", "a marian model has q/k/v biases and a tied output layer (qkv_bias and tie_weights true)");
        if (llama && model.Heads % model.KvHeads != 0)
            throw o.Error("n_kv_heads", $"{model.KvHeads} does not divide n_heads {model.Heads}");
        o.RejectUnknown();
        return model;
    }

    private static WorkloadOptimizer ReadOptimizer(JsonObject o)
    {
        string name = o.String("name");
        if (name != "adamw") throw o.Error("name", $"'{name}' is not supported; valid values: adamw");
        float lr = o.Float("lr", min: 0, max: float.MaxValue);
        var betas = o.FloatArray("betas");
        if (betas.Length != 2 || betas.Any(b => b is < 0 or >= 1))
            throw o.Error("betas", $"must be two numbers in [0, 1), got [{string.Join(", ", betas)}]");
        float weightDecay = o.Float("weight_decay", min: 0, max: float.MaxValue);
        o.RejectUnknown();
        return new WorkloadOptimizer(name, lr, betas[0], betas[1], weightDecay);
    }
}
