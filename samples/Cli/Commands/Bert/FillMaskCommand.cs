using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmForge.Bert;
using LlmForge.Cli.Hosting;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// <c>llmforge fill-mask</c>: the most probable tokens for each [MASK] of a text, with their probabilities, from a
/// BERT directory with a masked-LM head (Hugging Face's fill-mask pipeline).
/// </summary>
public sealed class FillMaskCommand : ICommand
{
    public string Name => "fill-mask";

    public string Summary => "the likeliest tokens for each [MASK] of a text, with a BERT model directory";

    public const string Usage = """
        usage: llmforge fill-mask --model DIR --text "the capital of france is [MASK]." [--top-k 5] [--json] [--backend NAME]

          --model DIR     config.json (model_type "bert") + model.safetensors with the MLM head + vocab.txt
          --text TEXT     text with one or more [MASK] tokens
          --top-k K       candidates per mask (default 5)
          --json          one JSON line as the pipeline returns it: [{"score", "token", "token_str", "sequence"}, …]
                          (a list of such lists when the text has several masks)
          --backend NAME  managed (default) or mkl

        Prints one line per candidate, "0.4123 paris", most probable first; with several masks, each group is
        headed by "[MASK] 2 of 3:".

        """;

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"]) { stdout.Write(Usage); return 0; }
        var a = CliArguments.Parse(Name, args, "json");
        string? model = a.String("model");
        string text = a.Required("text");
        int topK = a.Int("top-k", min: 1) ?? 5;
        bool json = a.Switch("json");
        string? backendName = a.String("backend"); // null: LlmForge:Backend of the environment or appsettings.json
        a.RejectUnknown();
        string directory = ModelDirectory.Require(Name, "model", model);
        if (!BertDirectory.IsBert(directory))
            throw new CliException($"{Name}: '{directory}' is not a BERT directory (its config.json needs \"model_type\": \"bert\")");

        var (bert, tokenizer) = BertDirectory.Load(Name, directory, BackendFactory.FromConfiguration(backendName));
        if (bert.MlmHead is null)
            throw new CliException($"{Name}: '{directory}' holds a {bert.Heads.Architecture} without the masked-LM head (cls.predictions.*)");
        var results = FillMask.Predict(bert, tokenizer, text, topK);

        if (json)
        {
            stdout.WriteLine(results.Count == 1 ? Json(results[0]) : "[" + string.Join(",", results.Select(Json)) + "]");
            return 0;
        }
        for (int m = 0; m < results.Count; m++)
        {
            if (results.Count > 1) stdout.WriteLine($"{tokenizer.Specials.Mask} {m + 1} of {results.Count}:");
            foreach (var c in results[m].Candidates)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Probability:F4} {c.Token}"));
        }
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(FillMaskResult result) => JsonSerializer.Serialize(
        result.Candidates.Select(c => new Dictionary<string, object>
        {
            ["score"] = c.Probability, ["token"] = c.TokenId, ["token_str"] = c.Token, ["sequence"] = c.Sequence,
        }), JsonOptions);
}
