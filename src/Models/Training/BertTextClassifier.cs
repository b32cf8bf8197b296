using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>A BERT's sequence classifier over its WordPiece tokenizer: <c>[CLS] text [SEP]</c> rows padded to the longest, the pooled [CLS] state classified.</summary>
public sealed class BertTextClassifier : ITextClassifier
{
    /// <param name="model">A BERT with its sequence classifier.</param>
    /// <param name="tokenizer">The model's WordPiece tokenizer.</param>
    /// <param name="maxLength">Longest input in tokens, [CLS] and [SEP] included; null: the model's max_position_embeddings.</param>
    /// <exception cref="ArgumentException">No classifier, or a tokenizer of another vocabulary.</exception>
    public BertTextClassifier(BertModel model, WordPieceTokenizer tokenizer, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (model.Classifier is null) throw new ArgumentException($"BertTextClassifier: the model ({model.Heads}) has no classifier.", nameof(model));
        if (tokenizer.VocabSize != model.Config.VocabSize)
            throw new ArgumentException($"BertTextClassifier: the tokenizer has {tokenizer.VocabSize} tokens, the model's vocab_size is {model.Config.VocabSize}.", nameof(tokenizer));
        Bert = model;
        Tokenizer = tokenizer;
        MaxLength = Math.Min(maxLength ?? model.Config.MaxPositions, model.Config.MaxPositions);
    }

    /// <summary>The BERT.</summary>
    public BertModel Bert { get; }

    /// <summary>Its tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Inputs are truncated to this many tokens.</summary>
    public int MaxLength { get; }

    /// <inheritdoc/>
    public Module Model => Bert;

    /// <inheritdoc/>
    public IReadOnlyList<string> Labels => Bert.Config.Labels;

    /// <inheritdoc/>
    public (Tensor Logits, long Tokens) Logits(IReadOnlyList<string> texts)
    {
        var input = BertInput.From(Tokenizer.EncodeBatch([.. texts], maxLength: MaxLength));
        return (Bert.ClassifierLogits(input), input.InputIds.Length);
    }
}
