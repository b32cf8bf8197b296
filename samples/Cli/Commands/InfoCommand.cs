using LlmForge.Checkpoints;
using System.CommandLine;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge info</c>: the architecture a model directory's config.json describes, its parameter count, and
/// whether model.safetensors (optional) loads — the loader's own verdict (<see cref="Gpt2Checkpoint.Check"/>: names,
/// shapes and dtypes from the header, then every value finite) — and, for a training checkpoint, whether every file
/// still matches the size and SHA-256 trainer_state.json recorded. Exit code 1 when either fails. The lines and JSON
/// are written by <see cref="Info.GptInfo"/>, <see cref="Info.BertInfo"/> or <see cref="Info.MarianInfo"/> over the shared <see cref="Info.InfoWriter"/>.
/// </summary>
public sealed class InfoCommand : ICommand
{
    public string Name => "info";

    public string Summary => "architecture, parameter count and weight check of a model directory";

    public string Synopsis => "usage: llmforge info --model DIR [--json]";

    public string Notes => """
        Exit code 1 if model.safetensors does not match config.json or would not load (a NaN or infinite
        weight, a dtype that is not a float), or if trainer_state.json is present and a file differs from
        the size and SHA-256 it records.
        """;

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "config.json (required), model.safetensors and tokenizer files (optional)");
    private static readonly Option<bool> Json = Flag.Switch("--json", "one JSON object instead of the human-readable lines");

    public IReadOnlyList<Option> Options { get; } = [Model, Json];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model);
        bool json = parsed.GetValue(Json);
        string directory = ModelDirectory.Require(Name, "model", model);
        if (MarianCheckpoint.IsMarianDirectory(directory)) return Info.MarianInfo.Write(stdout, stderr, directory, json);
        return Bert.BertDirectory.IsBert(directory) ? Info.BertInfo.Write(stdout, stderr, directory, json) : Info.GptInfo.Write(stdout, stderr, directory, json);
    }
}
