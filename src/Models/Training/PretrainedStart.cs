using LlmForge.Checkpoints;
using LlmForge.Hosting;

namespace LlmForge.Training;

/// <summary>
/// The model a run starts from when it starts from a model directory's weights (<c>train --init-from DIR</c>), checked
/// to suit the objective: a causal LM (GPT-2, Llama family) for next-token and instruction training, a BERT for
/// masked-LM pretraining.
/// </summary>
public static class PretrainedStart
{
    /// <summary>The causal LM and tokenizer of <paramref name="directory"/>, built by <paramref name="factory"/>.</summary>
    /// <exception cref="ArgumentException">The directory holds a BERT (an encoder), not a causal LM.</exception>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No config.json, weights or tokenizer.</exception>
    /// <exception cref="CheckpointFormatException">An unsupported model_type, a bad config.json or weights that do not match it.</exception>
    public static PretrainedModel LoadCausal(string directory, IModelFactory factory, int seed)
    {
        string modelType = PretrainedModel.ReadModelType(directory);
        if (!PretrainedModel.CausalModelTypes.Contains(modelType))
            throw new ArgumentException($"'{directory}' holds a {modelType} model (an encoder); this objective trains a causal LM " +
                $"({string.Join(", ", PretrainedModel.CausalModelTypes)}): a BERT directory starts masked-LM pretraining (--variant of a bert kind).");
        return PretrainedModel.Load(directory, factory, seed);
    }
}
