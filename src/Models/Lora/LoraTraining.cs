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
    /// Refuses LoRA options without a pretrained directory to start from, and with a checkpoint to resume (a resumed
    /// LoRA run takes its options from the checkpoint's adapter_config.json: <see cref="Resumed"/>).
    /// </summary>
    /// <exception cref="ArgumentException">LoRA without <paramref name="initFrom"/>, or with <paramref name="resumeDirectory"/>.</exception>
    public static void CheckStart(LoraOptions? lora, string? initFrom, string? resumeDirectory)
    {
        if (lora is null) return;
        if (resumeDirectory is not null)
            throw new ArgumentException($"LoRA options start a new run from a pretrained model (--init-from DIR); a resume of '{resumeDirectory}' takes them from its checkpoint.");
        if (initFrom is null)
            throw new ArgumentException("LoRA adapts a pretrained model: give the model directory to start from (InitFrom, --init-from DIR).");
    }

    /// <summary>
    /// The directory a resumed run's model loads from: for a LoRA checkpoint the base it was started from
    /// (trainer_state.json's init_from; the adapters are the checkpoint's), else the checkpoint itself.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A LoRA checkpoint without init_from.</exception>
    public static string ModelDirectoryOf(string resumeDirectory, TrainerState resumed)
    {
        ArgumentNullException.ThrowIfNull(resumeDirectory);
        ArgumentNullException.ThrowIfNull(resumed);
        if (!IsLoraCheckpoint(resumeDirectory)) return resumeDirectory;
        return resumed.InitializedFrom ?? throw new CheckpointFormatException(Path.Combine(resumeDirectory, TrainerStateJson.FileName),
            "key \"init_from\" is missing: a LoRA checkpoint needs the base model directory it was trained on.");
    }

    /// <summary>
    /// The LoRA options of the checkpoint <paramref name="resumeDirectory"/> (its adapter_config.json, checked against
    /// <paramref name="model"/> by loading the adapters once), or null when it is not a LoRA run's.
    /// </summary>
    public static LoraOptions? Resumed(GptModel model, string? resumeDirectory)
    {
        if (resumeDirectory is null || !IsLoraCheckpoint(resumeDirectory)) return null;
        var loaded = LoraAdapterFiles.Load(model, resumeDirectory);
        loaded.Detach();
        return loaded.Options;
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
