using LlmForge.Autograd;
using LlmForge.Layers;

namespace LlmForge.Training;

/// <summary>
/// A model with a sequence classification head and the tokenizer that feeds it, seen as texts in, class logits out:
/// what <see cref="SequenceClassification"/> and <see cref="TextClassifierTrainer"/> train and score, whatever the
/// model (<see cref="BertTextClassifier"/>: the pooled [CLS] state; <see cref="GptTextClassifier"/>: the last token's).
/// </summary>
public interface ITextClassifier
{
    /// <summary>The model whose parameters train (its dropout follows its mode).</summary>
    Module Model { get; }

    /// <summary>The class names by class id.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>Class logits (B, labels) of a batch of texts, in the model's current mode, and the tokens the batch held (padding included).</summary>
    (Tensor Logits, long Tokens) Logits(IReadOnlyList<string> texts);
}
