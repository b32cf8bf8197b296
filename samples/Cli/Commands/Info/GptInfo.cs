using System.Globalization;
using System.Text.Json;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Hosting;
using LlmForge.Layers;
using LlmForge.Tokenization;
using static LlmForge.Cli.Commands.Info.InfoWriter;

namespace LlmForge.Cli.Commands.Info;

/// <summary>
/// <c>llmforge info</c> for a GPT directory: the GPT-2 config keys, the parameter count, the loader's own weights
/// verdict (<see cref="Gpt2Checkpoint.Check"/>), a training checkpoint's integrity and the tokenizer.
/// </summary>
internal static class GptInfo
{
    /// <returns>The exit code: 1 when the weights or the checkpoint fail their check.</returns>
    public static int Write(TextWriter o, TextWriter stderr, string directory, bool json)
    {
        var c = ModelDirectory.LoadConfig(directory);
        string modelType = ReadModelType(ModelDirectory.ConfigPath(directory));
        long parameters = Gpt2TensorNames.ParameterCount(c);
        Weights? weights = ModelWeights.Exists(directory) && Gpt2Checkpoint.Check(directory) is { } r
            ? new(r.Path, r.Matches, r.Tensors, r.Parameters, r.DTypes, r.Problems) : null;
        var checkpoint = CheckpointIntegrity.Of(directory);
        ITokenizer? tokenizer = ModelDirectory.LoadTokenizer(directory);

        if (json)
        {
            Json(o, w =>
            {
                w.WriteString("model_type", modelType);
                w.WriteNumber("n_layer", c.Layers);
                w.WriteNumber("n_head", c.Heads);
                if (c.IsLlamaLayout) w.WriteNumber("num_key_value_heads", c.KeyValueHeads);
                w.WriteNumber("n_embd", c.EmbeddingDim);
                w.WriteNumber("n_inner", c.FeedForwardDim);
                w.WriteNumber("n_positions", c.ContextLength);
                w.WriteNumber("vocab_size", c.VocabSize);
                w.WriteBoolean("tie_word_embeddings", c.TieWeights);
                w.WriteBoolean("qkv_bias", c.QkvBias);
                w.WriteString("activation_function", ActivationFunctions.Name(c.Activation));
                if (c.FeedForward == FeedForwardType.Gated) w.WriteString("feed_forward", "gated");
                w.WriteNumber("parameters", parameters);
                WeightsJson(w, weights, withDTypes: true);
                CheckpointJson(w, checkpoint);
                TokenizerJson(w, tokenizer is null ? null : TokenizerKind(tokenizer), tokenizer?.VocabSize ?? 0, t =>
                {
                    if (tokenizer!.EndOfTextId is int eot) t.WriteNumber("eot_id", eot);
                    else t.WriteNull("eot_id");
                });
            });
        }
        else
        {
            Line(o, "model", directory);
            Line(o, "model_type", modelType);
            Line(o, "layers", $"{c.Layers} (n_layer)");
            Line(o, "heads", $"{c.Heads} (n_head), head dim {c.HeadDim}");
            if (c.IsLlamaLayout) Line(o, "kv_heads", $"{c.KeyValueHeads} (num_key_value_heads{(c.KeyValueHeads < c.Heads ? ", grouped-query" : "")})");
            Line(o, "emb_dim", $"{c.EmbeddingDim} (n_embd)");
            Line(o, "mlp_dim", $"{c.FeedForwardDim} (n_inner{(c.InnerDim is null ? " = 4·n_embd" : "")})");
            Line(o, "context", $"{c.ContextLength} (n_positions)");
            Line(o, "vocab", $"{c.VocabSize} (vocab_size)");
            Line(o, "tied", $"{Lower(c.TieWeights)} (tie_word_embeddings)");
            Line(o, "qkv_bias", Lower(c.QkvBias));
            Line(o, "activation", ActivationName(c));
            if (c.SinkToken) Line(o, "sink_token", "true (a learned vector read at position 0, kept as the first sink)"); // only then: older outputs unchanged
            Line(o, "parameters", $"{Count(parameters)} ({Short(parameters)}, from config.json)");
            WeightsLine(o, Gpt2Checkpoint.WeightsFileName, weights, $"{weights?.Tensors} tensors");
            CheckpointLine(o, checkpoint);
            TokenizerLine(o, tokenizer is null ? null
                : $"{TokenizerKind(tokenizer)}, {tokenizer.VocabSize} ids" + (tokenizer.EndOfTextId is int eot ? $", <|endoftext|> = {eot}" : ""));
        }
        return Verdict(stderr, weights, checkpoint);
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

    /// <summary>activation_function's name, with the gated feed-forward named too: "silu (gated: swiglu)".</summary>
    private static string ActivationName(GptConfig c) => c.FeedForward == FeedForwardType.Gated
        ? $"{ActivationFunctions.Name(c.Activation)} (gated{(VariantActivations.NameOf(c.Activation, c.FeedForward) is { } name ? ": " + name : "")})"
        : ActivationFunctions.Name(c.Activation);

    /// <summary>124,439,808 → "124.44M", as model names count parameters.</summary>
    private static string Short(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        _ => (n / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "K",
    };
}
