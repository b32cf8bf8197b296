using LlmForge.Autograd;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// A GPT's last-token classifier (<see cref="GptClassifier"/>) over its tokenizer: each text encoded, truncated to its
/// first <see cref="MaxLength"/> tokens, rows right-padded with pad_token_id to the longest and masked, each classified
/// from its last real token.
/// </summary>
public sealed class GptTextClassifier : ITextClassifier
{
    /// <param name="classifier">The GPT with its score head.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">Longest input in tokens; null: the model's context length.</param>
    /// <exception cref="ArgumentException">A tokenizer of more ids than the model's vocabulary.</exception>
    public GptTextClassifier(GptClassifier classifier, ITokenizer tokenizer, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabSize > classifier.Model.Config.VocabSize)
            throw new ArgumentException($"GptTextClassifier: the tokenizer has {tokenizer.VocabSize} tokens, the model's vocab_size is {classifier.Model.Config.VocabSize}.", nameof(tokenizer));
        Classifier = classifier;
        Tokenizer = tokenizer;
        MaxLength = Math.Max(1, Math.Min(maxLength ?? classifier.Model.Config.ContextLength, classifier.Model.Config.ContextLength));
    }

    /// <summary>The GPT classifier.</summary>
    public GptClassifier Classifier { get; }

    /// <summary>Its tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Inputs are truncated to this many tokens.</summary>
    public int MaxLength { get; }

    /// <inheritdoc/>
    public Module Model => Classifier;

    /// <inheritdoc/>
    public IReadOnlyList<string> Labels => Classifier.Labels;

    /// <inheritdoc/>
    public (Tensor Logits, long Tokens) Logits(IReadOnlyList<string> texts)
    {
        var (ids, mask, batch, seq) = Encode(texts);
        return (Classifier.Logits(ids, batch, seq, mask), ids.Length);
    }

    /// <summary>Token ids (B, T) right-padded with pad_token_id, the attention mask (1 = token), and B, T.</summary>
    /// <exception cref="ArgumentException">A text that encodes to no token (empty).</exception>
    public (int[] Ids, int[] Mask, int Batch, int Seq) Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = texts.Select((text, i) =>
        {
            var ids = Tokenizer.Encode(text);
            if (ids.Count == 0) throw new ArgumentException($"GptTextClassifier: text {i} encodes to no token.", nameof(texts));
            return ids.Take(MaxLength).ToArray();
        }).ToList();
        int seq = rows.Max(r => r.Length), batch = rows.Count;
        var padded = new int[batch * seq];
        var mask = new int[batch * seq];
        Array.Fill(padded, Classifier.PadTokenId);
        for (int b = 0; b < batch; b++)
        {
            rows[b].CopyTo(padded, b * seq);
            mask.AsSpan(b * seq, rows[b].Length).Fill(1);
        }
        return (padded, mask, batch, seq);
    }
}
