using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;

namespace LlmForge.Hosting;

/// <summary>
/// Builds models from the named variants of the <c>LlmForge</c> section, on the configured backend, with the
/// registered component kinds the variant names. Resolve it from the container <c>AddLlmForge</c> filled.
/// </summary>
public interface IModelFactory
{
    /// <summary>The variant built when none is named (<c>LlmForge:Variant</c>).</summary>
    string DefaultVariant { get; }

    /// <summary>Every configured variant name.</summary>
    IReadOnlyCollection<string> VariantNames { get; }

    /// <summary>The variant <paramref name="name"/> (null: the default) resolved against the registered kinds.</summary>
    /// <exception cref="ArgumentException">No such variant (the message lists the configured ones).</exception>
    ModelVariant GetVariant(string? name = null);

    /// <summary>A decoder of a gpt variant; <paramref name="vocabSize"/> (the tokenizer's) overrides the variant's VocabSize.</summary>
    GptModel CreateGpt(string? variant = null, int? vocabSize = null, int seed = 0);

    /// <summary>An encoder of a bert variant with <paramref name="heads"/> (default: the masked-LM head).</summary>
    BertModel CreateBert(string? variant = null, int? vocabSize = null, BertHeads? heads = null, int seed = 0, int padTokenId = 0);

    /// <summary>
    /// The GPT saved in <paramref name="directory"/> (config.json + model.safetensors, as <see cref="Gpt2Checkpoint.Save"/>
    /// writes them), on the configured backend, with the kinds config.json names resolved among the registered ones —
    /// so a model with the user's own kind reloads through the same registration.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad config.json (a kind that is not registered among them, named), or weights that do not match it.</exception>
    GptModel LoadGpt(string directory, int seed = 0);

    /// <summary>
    /// The BERT saved in <paramref name="directory"/> (as <see cref="BertCheckpoint.Save"/> writes it, with the heads its
    /// weights hold), on the configured backend, with the kinds config.json names resolved among the registered ones.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad config.json (a kind that is not registered among them, named), or weights that do not match it.</exception>
    BertModel LoadBert(string directory, int seed = 0);
}
