using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using LlmForge.Training;

namespace LlmForge.Lora;

/// <summary>
/// Turns a run's objective and checkpoint files into a LoRA run's (<c>llmforge train --init-from DIR --lora</c>):
/// adapters attached to the model (the base frozen), the trainer optimizing them alone (<see cref="LoraObjective"/>),
/// and checkpoints that hold PEFT's adapter directory (<see cref="LoraAdapterFiles"/>: adapter_model.safetensors,
/// adapter_config.json whose base_model_name_or_path is the run's init_from) with the tokenizer's files, beside the
/// trainer's optimizer.safetensors and trainer_state.json. The base model's directory is never written.
/// </summary>
public static class LoraTraining
{
    /// <summary>
    /// Adapters on <paramref name="model"/> per <paramref name="options"/> (A drawn from <paramref name="seed"/>, B zero),
    /// <paramref name="objective"/> wrapped to train them, and <paramref name="files"/> changed to save and load them.
    /// </summary>
    /// <param name="objective">The objective over <paramref name="model"/> (causal LM, instruction tuning).</param>
    /// <param name="model">The pretrained decoder to adapt.</param>
    /// <param name="tokenizer">Its tokenizer, saved beside the adapters.</param>
    /// <param name="options">Rank, α, dropout, targets (validated here, keys under <paramref name="section"/>).</param>
    /// <param name="seed">Draws A and the dropout masks.</param>
    /// <param name="files">The run's checkpoint files; its InitializedFrom becomes base_model_name_or_path.</param>
    /// <param name="section">The options' configuration path, for messages.</param>
    /// <exception cref="ArgumentException">Invalid options, one message naming every bad key.</exception>
    public static (LoraObjective Objective, CheckpointFiles Files) Adapt(ITrainingObjective objective, GptModel model, ITokenizer tokenizer,
        LoraOptions options, int seed, CheckpointFiles files, string section = "LlmForge:Lora")
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(files);
        var adapters = LoraAdapters.Create(model, options, seed, section);
        string? baseModel = files.InitializedFrom;
        var adapted = files with
        {
            SaveModel = directory => { LoraAdapterFiles.Save(adapters, directory, baseModel); tokenizer.Save(directory); },
            LoadModel = directory => StateDict.Load(adapters, Path.Combine(directory, LoraAdapterFiles.WeightsFileName)),
        };
        return (new LoraObjective(objective, adapters), adapted);
    }

    /// <summary>
    /// Refuses what a LoRA run cannot do yet: start without a pretrained directory, and continue (resume) a LoRA
    /// checkpoint — its base would have to be reloaded from init_from, which is not implemented.
    /// </summary>
    /// <exception cref="ArgumentException">LoRA without <paramref name="initFrom"/>, or a resume of a LoRA checkpoint.</exception>
    public static void CheckStart(LoraOptions? lora, string? initFrom, string? resumeDirectory)
    {
        if (resumeDirectory is not null && IsLoraCheckpoint(resumeDirectory))
            throw new ArgumentException($"'{resumeDirectory}' is a LoRA run's checkpoint (it holds {LoraAdapterFiles.ConfigFileName}); resuming LoRA runs is not supported yet: " +
                "start a new run with --init-from, or merge these adapters (llmforge merge-lora) and continue from the merged model.");
        if (lora is not null && resumeDirectory is not null)
            throw new ArgumentException($"LoRA adapters start a new run from a pretrained model (--init-from DIR); '{resumeDirectory}' is a full fine-tuning checkpoint: resume it without LoRA.");
        if (lora is not null && resumeDirectory is null && initFrom is null)
            throw new ArgumentException("LoRA adapts a pretrained model: give the model directory to start from (InitFrom, --init-from DIR).");
    }

    /// <summary>Whether <paramref name="directory"/> is a LoRA run's checkpoint (it holds adapter_config.json).</summary>
    public static bool IsLoraCheckpoint(string directory) => LoraAdapterFiles.IsAdapterDirectory(directory);

    /// <summary>"lora: 147,456 trainable parameters (0.12% of 124,439,808), rank 8, alpha 16, targets attn.qkv, attn.proj, mlp".</summary>
    public static string Describe(LoraAdapters adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        long total = adapters.BaseModel.ParameterCount();
        long trainable = adapters.AdapterParameterCount;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"lora: {trainable:N0} trainable parameters ({100.0 * trainable / total:F2}% of {total:N0}), rank {adapters.Options.Rank}, " +
            $"alpha {adapters.Options.Alpha}, targets {string.Join(", ", adapters.Options.Targets)}; the base weights are frozen");
    }

    /// <summary>How to fold a LoRA run's adapters into its base: the merge-lora command line.</summary>
    public static string MergeHint(string baseDirectory, string adapterDirectory) =>
        $"merge with: llmforge merge-lora --model {baseDirectory} --adapter {adapterDirectory} --out {adapterDirectory.TrimEnd('/', '\\')}-merged";
}
