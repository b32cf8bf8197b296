using LlmForge.Backends;
using LlmForge.Checkpoints;

namespace LlmForge.Lora;

/// <summary>
/// PEFT's merge_and_unload for directories: a base model directory and an adapter directory in, a plain model directory
/// out — the base's weights with every adapter folded in (W += (α/r)·B·A), its config.json, and its other files
/// (tokenizer, tokenizer_config.json with a chat template, generation_config.json) copied as they are.
/// </summary>
public static class LoraMerge
{
    /// <summary>Merges <paramref name="adapterDirectory"/> into <paramref name="baseDirectory"/>'s model and saves the result.</summary>
    /// <param name="baseDirectory">The model the adapters were trained on (GPT-2 or Llama layout).</param>
    /// <param name="adapterDirectory">adapter_config.json + adapter_model.safetensors.</param>
    /// <param name="outputDirectory">The merged model's directory; it must not hold a model already (nothing is overwritten).</param>
    /// <param name="backend">Where the merge computes.</param>
    /// <returns>The adapters merged (their rank, α and modules).</returns>
    /// <exception cref="IOException">The output directory holds a model or checkpoint already.</exception>
    /// <exception cref="CheckpointFormatException">A bad base or adapter directory (the file and key named).</exception>
    public static LoraAdapters Run(string baseDirectory, string adapterDirectory, string outputDirectory, ITensorBackend backend)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        ArgumentNullException.ThrowIfNull(adapterDirectory);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (ExistingCheckpoint.Describe(outputDirectory) is { } existing)
            throw new IOException($"'{outputDirectory}' already holds {existing}; merge into a new directory.");
        var model = Gpt2Checkpoint.Load(baseDirectory, backend);
        var adapters = LoraAdapterFiles.Load(model, adapterDirectory);
        Gpt2Checkpoint.Save(adapters.Merge(), outputDirectory);
        foreach (string file in Directory.EnumerateFiles(baseDirectory))
        {
            string name = Path.GetFileName(file);
            if (name == GptConfigJson.FileName || name.StartsWith('.') || name.EndsWith(".safetensors", StringComparison.Ordinal)
                || name.EndsWith(SafeTensorsIndex.Suffix, StringComparison.Ordinal)) continue;
            File.Copy(file, Path.Combine(outputDirectory, name), overwrite: false);
        }
        return adapters;
    }
}
