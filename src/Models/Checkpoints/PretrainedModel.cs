using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Checkpoints;

/// <summary>
/// A model directory LlmForge loads, as a starting point for fine-tuning or any other use: the model its config.json
/// describes with its weights, and the directory's tokenizer. The family is config.json's model_type: "gpt2" and
/// "llmforge-gpt" (<see cref="Gpt2Checkpoint"/>), the Llama family "llama", "qwen2", "mistral" (also
/// <see cref="Gpt2Checkpoint"/>, which reads their layout), "bert" and "llmforge-bert" (<see cref="BertCheckpoint"/>).
/// </summary>
/// <remarks>
/// <code>
/// var pretrained = PretrainedModel.Load("models/gpt2", backend);   // GptModel + Gpt2Tokenizer
/// var gpt = pretrained.Gpt;                                         // null for a BERT directory
/// </code>
/// </remarks>
/// <param name="Directory">The directory, as a full path.</param>
/// <param name="ModelType">config.json's model_type ("gpt2", "llama", "bert", …).</param>
/// <param name="Model">The loaded model: a <see cref="GptModel"/> or a <see cref="BertModel"/>.</param>
/// <param name="Tokenizer">The directory's tokenizer (<see cref="TokenizerFiles.Load"/>).</param>
public sealed record PretrainedModel(string Directory, string ModelType, Module Model, ITokenizer Tokenizer)
{
    /// <summary>The model_types of causal LMs (<see cref="GptModel"/>).</summary>
    public static IReadOnlyList<string> CausalModelTypes { get; } =
        [GptConfigJson.Gpt2ModelType, GptConfigJson.LlmForgeModelType, LlamaConfigJson.LlamaModelType, LlamaConfigJson.Qwen2ModelType, LlamaConfigJson.MistralModelType];

    /// <summary>The model_types of BERT encoders (<see cref="BertModel"/>).</summary>
    public static IReadOnlyList<string> EncoderModelTypes { get; } = [BertConfigJson.BertModelType, BertConfigJson.LlmForgeModelType];

    /// <summary>The model as a causal LM, or null when it is a BERT.</summary>
    public GptModel? Gpt => Model as GptModel;

    /// <summary>The model as a BERT, or null when it is a causal LM.</summary>
    public BertModel? Bert => Model as BertModel;

    /// <summary>Whether the directory is a causal LM's.</summary>
    public bool IsCausal => Model is GptModel;

    /// <summary>The model_type of <paramref name="directory"/>'s config.json, checked to be one this loader handles.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No config.json in it.</exception>
    /// <exception cref="CheckpointFormatException">Invalid JSON, no model_type, or one this loader does not handle (the message lists those it does).</exception>
    public static string ReadModelType(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException(File.Exists(directory)
                ? $"'{directory}' is a file; a model directory (config.json, model.safetensors, tokenizer files) is expected."
                : $"'{directory}': no such model directory.");
        string configPath = Path.Combine(directory, GptConfigJson.FileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath}: no config.json in the model directory.", configPath);
        string? modelType = BertConfigJson.ReadModelType(configPath);
        if (modelType is not null && (CausalModelTypes.Contains(modelType) || EncoderModelTypes.Contains(modelType))) return modelType;
        throw new CheckpointFormatException(configPath, modelType is null
            ? "key \"model_type\" is missing."
            : $"key \"model_type\" is \"{Diagnostics.Printable.Escape(modelType)}\"; a pretrained start takes {string.Join(", ", CausalModelTypes.Concat(EncoderModelTypes).Select(t => $"\"{t}\""))}.");
    }

    /// <summary>
    /// Loads the model and tokenizer of <paramref name="directory"/> through <paramref name="factory"/>: its backend and
    /// its registered component kinds.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No config.json, weights or tokenizer in it.</exception>
    /// <exception cref="CheckpointFormatException">A model_type this loader does not handle, a bad config.json, or weights that do not match it.</exception>
    /// <exception cref="InvalidDataException">The tokenizer's vocabulary is larger than the model's.</exception>
    public static PretrainedModel Load(string directory, Hosting.IModelFactory factory, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(factory);
        string modelType = ReadModelType(directory);
        return Finish(directory, modelType, CausalModelTypes.Contains(modelType) ? factory.LoadGpt(directory, seed) : factory.LoadBert(directory, seed));
    }

    /// <summary>Loads the model and tokenizer of <paramref name="directory"/>.</summary>
    /// <param name="directory">A model directory: config.json, model.safetensors (or its shards), tokenizer files.</param>
    /// <param name="backend">Where the model computes.</param>
    /// <param name="kinds">Component kinds config.json's "llmforge" key may name; null: the built-in ones.</param>
    /// <param name="seed">Seed of the model's dropout layers (the weights are the directory's).</param>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No config.json, weights or tokenizer in it.</exception>
    /// <exception cref="CheckpointFormatException">A model_type this loader does not handle, a bad config.json, or weights that do not match it.</exception>
    /// <exception cref="InvalidDataException">The tokenizer's vocabulary is larger than the model's.</exception>
    public static PretrainedModel Load(string directory, ITensorBackend backend, IComponentKinds? kinds = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        string modelType = ReadModelType(directory);
        kinds ??= BuiltInComponents.Kinds;
        return Finish(directory, modelType, CausalModelTypes.Contains(modelType)
            ? Gpt2Checkpoint.Load(directory, backend, kinds, seed) : BertCheckpoint.Load(directory, backend, kinds, seed));
    }

    private static PretrainedModel Finish(string directory, string modelType, Module model)
    {
        var tokenizer = TokenizerFiles.Load(directory);
        int vocab = model is GptModel gpt ? gpt.Config.VocabSize : ((BertModel)model).Config.VocabSize;
        if (tokenizer.VocabSize > vocab)
            throw new InvalidDataException($"'{directory}': the tokenizer has {tokenizer.VocabSize} ids but config.json's vocab_size is {vocab}.");
        return new PretrainedModel(Path.GetFullPath(directory), modelType, model, tokenizer);
    }
}
