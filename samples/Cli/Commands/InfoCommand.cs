using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge info</c>: the architecture a model directory's config.json describes, its parameter count, and
/// whether model.safetensors (optional) loads — the loader's own verdict (<see cref="Gpt2Checkpoint.Check"/>: names,
/// shapes and dtypes from the header, then every value finite) — and, for a training checkpoint, whether every file
/// still matches the size and SHA-256 trainer_state.json recorded. Exit code 1 when either fails. The lines and JSON
/// are written by <see cref="Info.GptInfo"/> or <see cref="Info.BertInfo"/> over the shared <see cref="Info.InfoWriter"/>.
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
        return Bert.BertDirectory.IsBert(directory) ? Info.BertInfo.Write(stdout, stderr, directory, json) : Info.GptInfo.Write(stdout, stderr, directory, json);
    }
}
