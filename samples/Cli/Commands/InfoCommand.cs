using System.Globalization;
using System.Text.Json;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge info</c>: the architecture a model directory's config.json describes, its parameter count, and
/// whether model.safetensors (optional) loads — the loader's own verdict (<see cref="Gpt2Checkpoint.Check"/>: names,
/// shapes and dtypes from the header, then every value finite) — and, for a training checkpoint, whether every file
/// still matches the size and SHA-256 trainer_state.json recorded. Exit code 1 when either fails.
/// </summary>
public sealed class InfoCommand : ICommand
{
    public string Name => "info";

    public string Summary => "architecture, parameter count and weight check of a model directory";

    public const string Usage = """
        usage: llmforge info --model DIR [--json]

          --model DIR   config.json (required), model.safetensors and tokenizer files (optional)
          --json        one JSON object instead of the human-readable lines

        Exit code 1 if model.safetensors does not match config.json or would not load (a NaN or infinite
        weight, a dtype that is not a float), or if trainer_state.json is present and a file differs from
        the size and SHA-256 it records.

        """;

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"]) { stdout.Write(Usage); return 0; }
        var a = CliArguments.Parse(Name, args, "json");
        string? model = a.String("model");
        bool json = a.Switch("json");
        a.RejectUnknown();
        string directory = ModelDirectory.Require(Name, "model", model);
        if (Bert.BertDirectory.IsBert(directory)) return Bert.BertInfo.Write(stdout, stderr, directory, json);

        var config = ModelDirectory.LoadConfig(directory);
        string modelType = ReadModelType(ModelDirectory.ConfigPath(directory));
        long parameters = Gpt2TensorNames.ParameterCount(config);
        string weightsPath = ModelDirectory.WeightsPath(directory);
        Gpt2WeightsReport? weights = File.Exists(weightsPath) ? Gpt2Checkpoint.Check(directory) : null;
        var checkpoint = CheckpointIntegrity.Of(directory);
        ITokenizer? tokenizer = ModelDirectory.LoadTokenizer(directory);

        if (json) WriteJson(stdout, modelType, config, parameters, weights, checkpoint, tokenizer);
        else WriteText(stdout, directory, modelType, config, parameters, weights, checkpoint, tokenizer);
        return Verdict(stderr, weights?.Path, weights?.Problems, checkpoint);
    }

    /// <summary>The exit code; each failed check is also one line on stderr, for scripts that read only that.</summary>
    internal static int Verdict(TextWriter stderr, string? weightsPath, IReadOnlyList<string>? problems, CheckpointIntegrity? checkpoint)
    {
        if (problems is { Count: > 0 }) stderr.WriteLine($"llmforge info: {weightsPath}: {string.Join("; ", problems)}.");
        if (checkpoint is { Intact: false }) stderr.WriteLine($"llmforge info: {checkpoint.Problem}");
        return problems is { Count: > 0 } || checkpoint is { Intact: false } ? 1 : 0;
    }

    internal static void WriteCheckpointLine(TextWriter o, CheckpointIntegrity? checkpoint)
    {
        if (checkpoint is null) return; // not a training checkpoint: nothing records the files' checksums
        o.WriteLine(checkpoint.Intact
            ? $"checkpoint     {TrainerStateJson.FileName} (step {checkpoint.Step}): every file matches its recorded size and SHA-256"
            : $"checkpoint     NOT intact: {checkpoint.Problem}");
    }

    internal static void WriteCheckpointJson(Utf8JsonWriter w, CheckpointIntegrity? checkpoint)
    {
        if (checkpoint is null) { w.WriteNull("checkpoint"); return; }
        w.WriteStartObject("checkpoint");
        w.WriteBoolean("intact", checkpoint.Intact);
        if (checkpoint.Step is int step) w.WriteNumber("step", step);
        else w.WriteNull("step");
        if (checkpoint.Problem is { } problem) w.WriteString("problem", problem);
        else w.WriteNull("problem");
        w.WriteEndObject();
    }

    private static void WriteText(TextWriter o, string directory, string modelType, GptConfig c, long parameters,
        Gpt2WeightsReport? weights, CheckpointIntegrity? checkpoint, ITokenizer? tokenizer)
    {
        o.WriteLine($"model          {directory}");
        o.WriteLine($"model_type     {modelType}");
        o.WriteLine($"layers         {c.Layers} (n_layer)");
        o.WriteLine($"heads          {c.Heads} (n_head), head dim {c.HeadDim}");
        o.WriteLine($"emb_dim        {c.EmbeddingDim} (n_embd)");
        o.WriteLine($"mlp_dim        {c.FeedForwardDim} (n_inner{(c.InnerDim is null ? " = 4·n_embd" : "")})");
        o.WriteLine($"context        {c.ContextLength} (n_positions)");
        o.WriteLine($"vocab          {c.VocabSize} (vocab_size)");
        o.WriteLine($"tied           {Lower(c.TieWeights)} (tie_word_embeddings)");
        o.WriteLine($"qkv_bias       {Lower(c.QkvBias)}");
        o.WriteLine($"activation     {ActivationName(c.Activation)}");
        o.WriteLine($"parameters     {Count(parameters)} ({Short(parameters)}, from config.json)");
        if (weights is null)
            o.WriteLine($"weights        none ({Gpt2Checkpoint.WeightsFileName} not found)");
        else if (weights.Matches)
            o.WriteLine($"weights        {Gpt2Checkpoint.WeightsFileName} matches config.json: {weights.Tensors} tensors, " +
                        $"{Count(weights.Parameters)} parameters, {string.Join("/", weights.DTypes)}");
        else
            o.WriteLine($"weights        {Gpt2Checkpoint.WeightsFileName} does NOT match config.json: {string.Join("; ", weights.Problems)}");
        WriteCheckpointLine(o, checkpoint);
        o.WriteLine(tokenizer is null
            ? "tokenizer      none"
            : $"tokenizer      {TokenizerKind(tokenizer)}, {tokenizer.VocabSize} ids" +
              (tokenizer.EndOfTextId is int eot ? $", <|endoftext|> = {eot}" : ""));
    }

    private static void WriteJson(TextWriter o, string modelType, GptConfig c, long parameters, Gpt2WeightsReport? weights,
        CheckpointIntegrity? checkpoint, ITokenizer? tokenizer)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model_type", modelType);
            w.WriteNumber("n_layer", c.Layers);
            w.WriteNumber("n_head", c.Heads);
            w.WriteNumber("n_embd", c.EmbeddingDim);
            w.WriteNumber("n_inner", c.FeedForwardDim);
            w.WriteNumber("n_positions", c.ContextLength);
            w.WriteNumber("vocab_size", c.VocabSize);
            w.WriteBoolean("tie_word_embeddings", c.TieWeights);
            w.WriteBoolean("qkv_bias", c.QkvBias);
            w.WriteString("activation_function", ActivationName(c.Activation));
            w.WriteNumber("parameters", parameters);
            if (weights is null) w.WriteNull("weights");
            else
            {
                w.WriteStartObject("weights");
                w.WriteString("file", weights.Path);
                w.WriteBoolean("matches", weights.Matches);
                w.WriteNumber("tensors", weights.Tensors);
                w.WriteNumber("parameters", weights.Parameters);
                w.WriteStartArray("dtypes");
                foreach (var d in weights.DTypes) w.WriteStringValue(d);
                w.WriteEndArray();
                w.WriteStartArray("problems");
                foreach (var p in weights.Problems) w.WriteStringValue(p);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            WriteCheckpointJson(w, checkpoint);
            if (tokenizer is null) w.WriteNull("tokenizer");
            else
            {
                w.WriteStartObject("tokenizer");
                w.WriteString("type", TokenizerKind(tokenizer));
                w.WriteNumber("vocab_size", tokenizer.VocabSize);
                if (tokenizer.EndOfTextId is int eot) w.WriteNumber("eot_id", eot);
                else w.WriteNull("eot_id");
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string ReadModelType(string configPath)
    {
        using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(configPath));
        return doc.RootElement.TryGetProperty("model_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "gpt2";
    }

    private static string TokenizerKind(ITokenizer tokenizer) => tokenizer switch
    {
        Gpt2Tokenizer => "gpt2-bpe",
        CharTokenizer => "char",
        _ => tokenizer.GetType().Name,
    };

    private static string ActivationName(GeluApproximation activation) => activation == GeluApproximation.Tanh ? "gelu_new" : "gelu";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>124,439,808 → "124.44M", as model names count parameters.</summary>
    private static string Short(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        _ => (n / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "K",
    };

    private static string Lower(bool value) => value ? "true" : "false";
}
