using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmForge.Bert;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// <c>llmforge fill-mask</c>: the most probable tokens for each [MASK] of a text, with their probabilities, from a
/// BERT directory with a masked-LM head (Hugging Face's fill-mask pipeline).
/// </summary>
public sealed class FillMaskCommand : ICommand
{
    public string Name => "fill-mask";

    public string Summary => "the likeliest tokens for each [MASK] of a text, with a BERT model directory";

    public string Synopsis => "usage: llmforge fill-mask --model DIR --text \"the capital of france is [MASK].\" [--top-k 5] [--json] [--backend NAME]";

    public string Notes => """
        Prints one line per candidate, "0.4123 paris", most probable first; with several masks, each group is
        headed by "[MASK] 2 of 3:".
        """;

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "config.json (model_type \"bert\") + model.safetensors with the MLM head + vocab.txt");
    private static readonly Option<string?> Text = Flag.Text("--text", "TEXT", "text with one or more [MASK] tokens");
    private static readonly Option<int?> TopK = Flag.Int("--top-k", "K", "candidates per mask (default 5)", min: 1);
    private static readonly Option<bool> JsonFlag = Flag.Switch("--json",
        "one JSON line as the pipeline returns it: [{\"score\", \"token\", \"token_str\", \"sequence\"}, …] (a list of such lists when the text has several masks)");

    public IReadOnlyList<Option> Options { get; } = [Model, Text, TopK, JsonFlag, BackendFlags.Backend];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model);
        string text = parsed.Required(Text);
        int topK = parsed.GetValue(TopK) ?? 5;
        bool json = parsed.GetValue(JsonFlag);
        string? backendName = parsed.GetValue(BackendFlags.Backend); // null: LlmForge:Backend of the environment or appsettings.json
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
