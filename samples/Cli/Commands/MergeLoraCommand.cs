using System.CommandLine;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Lora;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge merge-lora --model DIR --adapter DIR --out DIR</c>: folds a PEFT LoRA adapter directory
/// (adapter_config.json + adapter_model.safetensors) into its base model and saves a plain model directory that
/// generate, chat, perplexity and the rest read as any other (<see cref="LoraMerge.Run"/>).
/// </summary>
public sealed class MergeLoraCommand : ICommand
{
    public string Name => "merge-lora";

    public string Summary => "fold a LoRA adapter (PEFT's adapter directory) into its base model and save the merged model";

    public string Synopsis => "usage: llmforge merge-lora --model DIR --adapter DIR --out DIR [--backend managed|mkl]";

    public string Notes => "Prints the adapters merged (rank, alpha, modules) and the output directory. --out must not hold a model.";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "the base model (GPT-2 or Llama layout) the adapters were trained on");
    private static readonly Option<string?> Adapter = Flag.Text("--adapter", "DIR", "adapter_config.json + adapter_model.safetensors (PEFT's LoRA layout)");
    private static readonly Option<string?> Out = Flag.Text("--out", "DIR", "the merged model's directory (config.json, model.safetensors, the base's tokenizer files)");

    public IReadOnlyList<Option> Options { get; } = [Model, Adapter, Out, BackendFlags.Backend];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string model = ModelDirectory.Require(Name, "model", parsed.GetValue(Model));
        string adapter = ModelDirectory.Require(Name, "adapter", parsed.GetValue(Adapter));
        string output = parsed.GetValue(Out) ?? throw new CliException($"{Name}: --out is required");
        if (!LoraAdapterFiles.IsAdapterDirectory(adapter))
            throw new CliException($"{Name}: --adapter '{adapter}' has no {LoraAdapterFiles.ConfigFileName}");
        LoraAdapters merged;
        try
        {
            merged = LoraMerge.Run(model, adapter, output, BackendFactory.FromConfiguration(parsed.GetValue(BackendFlags.Backend)));
        }
        catch (IOException e) when (e is not Checkpoints.CheckpointFormatException and not FileNotFoundException)
        {
            throw new CliException($"{Name}: --out {e.Message}");
        }
        var o = merged.Options;
        stdout.WriteLine($"merged {merged.Layers.Count} adapters (r {o.Rank}, alpha {o.Alpha}, {merged.AdapterParameterCount:N0} parameters; {string.Join(", ", o.Targets)})");
        stdout.WriteLine($"saved {output}");
        return 0;
    }
}
