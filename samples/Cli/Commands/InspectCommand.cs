using System.CommandLine;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Cli.Commands.Inspect;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Inspection;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge inspect</c>: looks inside a GPT or BERT model directory through <see cref="LlmForge.Inspection"/> — the
/// module tree with every parameter and the step-by-step subtotals (<see cref="ParameterBreakdown"/>), one parameter or
/// one row of it with statistics (<see cref="ParameterView"/>), or every head's attention map over a text
/// (<see cref="ForwardOutputs.Attentions"/>) drawn as one PNG. The text and JSON are written by
/// <see cref="InspectWriter"/>.
/// </summary>
public sealed class InspectCommand : ICommand
{
    public string Name => "inspect";

    public string Summary => "module tree, parameter counts per component, a parameter's values, attention maps";

    public string Synopsis => """
        usage: llmforge inspect --model DIR [--json]
               llmforge inspect --model DIR --param NAME [--row N] [--values N] [--json]
               llmforge inspect --model DIR --attention --text "…" [--png FILE] [--json]
        """;

    public string Notes => """
        Without --param or --attention: the module tree (each parameter's name, shape, count and MB as float32; a tied
        weight is listed where it is reused, counted once) and the components' subtotals (embeddings, each block's
        attention, MLP and norms, final norm, head) that sum to the total. MB is MiB (1024² bytes).
        On a translator (MarianMT directory) --attention translates --text greedily and shows the decoder's
        cross-attention: one map per layer and head, target tokens down, source tokens across.
        """;

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "config.json + model.safetensors (GPT or BERT, as train and pretrain-bert write them, or Hugging Face's layout)");
    private static readonly Option<string?> Param = Flag.Text("--param", "NAME", "print this parameter (e.g. tok_emb.weight) with its statistics");
    private static readonly Option<int?> Row = Flag.Int("--row", "N", "with --param: only row N of the first dimension (the N-th embedding)", min: 0);
    private static readonly Option<int?> Values = Flag.Int("--values", "N", "with --param: how many values to print (default 8)", min: 0);
    private static readonly Option<bool> Attention = Flag.Switch("--attention", "every layer's and head's attention weights over --text");
    private static readonly Option<string?> Text = Flag.Text("--text", "TEXT", "with --attention: the text, encoded by the directory's tokenizer");
    private static readonly Option<string?> Png = Flag.Text("--png", "FILE", "with --attention: draw every head's map in one PNG (a row per layer, a column per head)");
    private static readonly Option<bool> Json = Flag.Switch("--json", "one JSON object instead of the human-readable lines");

    public IReadOnlyList<Option> Options { get; } = [Model, Param, Row, Values, Attention, Text, Png, Json, BackendFlags.Backend];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string directory = ModelDirectory.Require(Name, "model", parsed.GetValue(Model));
        string? param = parsed.GetValue(Param), text = parsed.GetValue(Text), png = parsed.GetValue(Png);
        int? row = parsed.GetValue(Row);
        bool attention = parsed.GetValue(Attention), json = parsed.GetValue(Json);
        if (param is not null && attention) throw new CliException($"{Name}: --param and --attention are separate views; give one");
        if (row is not null && param is null) throw new CliException($"{Name}: --row needs --param NAME");
        if (parsed.GetValue(Values) is not null && param is null) throw new CliException($"{Name}: --values needs --param NAME");
        if ((text is not null || png is not null) && !attention) throw new CliException($"{Name}: --text and --png go with --attention");
        if (attention && text is null) throw new CliException($"{Name}: --attention needs --text \"…\"");

        bool bert = BertDirectory.IsBert(directory);
        var backend = BackendFactory.FromConfiguration(parsed.GetValue(BackendFlags.Backend));
        bool translator = !bert && MarianCheckpoint.IsMarianDirectory(directory);
        Module model = translator ? MarianCheckpoint.Load(directory, backend) : bert ? BertCheckpoint.Load(directory, backend) : Gpt2Checkpoint.Load(directory, backend);
        model.Eval();

        if (param is not null)
        {
            var view = ParameterView.Of(model, param, row);
            InspectWriter.Parameter(stdout, view, parsed.GetValue(Values) ?? 8, json);
        }
        else if (attention && model is EncoderDecoder.EncoderDecoderModel translation) // cross-attention: target × source
        {
            return CrossAttentionView.Run(Name, directory, translation, text!, png, json, stdout);
        }
        else if (attention)
        {
            var maps = AttentionMaps.Compute(Name, directory, model, text!);
            if (png is not null) AttentionMaps.Draw(png, maps);
            InspectWriter.Attention(stdout, maps, png, json);
        }
        else
        {
            InspectWriter.Breakdown(stdout, model.GetType().Name, ParameterBreakdown.Of(model), json);
        }
        return 0;
    }
}
