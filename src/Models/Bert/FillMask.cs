using LlmForge.Autograd;
using LlmForge.Tokenization;

namespace LlmForge.Bert;

/// <summary>One candidate for a [MASK]: Hugging Face fill-mask pipeline's score, token, token_str and sequence.</summary>
/// <param name="Probability">softmax of the MLM logits at the mask (score).</param>
/// <param name="TokenId">token.</param>
/// <param name="Token">token_str: the vocabulary entry ("paris", "##ing").</param>
/// <param name="Sequence">The text with this candidate in place of the mask, decoded without special tokens.</param>
public sealed record FillMaskCandidate(double Probability, int TokenId, string Token, string Sequence);

/// <summary>The candidates for one [MASK] of the input, most probable first.</summary>
/// <param name="Position">Index of the mask in the model input ([CLS] is 0).</param>
/// <param name="Candidates">The most probable tokens at that position, most probable first.</param>
public sealed record FillMaskResult(int Position, IReadOnlyList<FillMaskCandidate> Candidates);

/// <summary>
/// Masked-token prediction, as Hugging Face's fill-mask pipeline: encode <c>[CLS] text [SEP]</c>, run the MLM head,
/// and for every [MASK] take the softmax over the vocabulary and its <c>topK</c> entries.
/// </summary>
public static class FillMask
{
    /// <exception cref="ArgumentException">The text has no [MASK], or more tokens than the model's positions.</exception>
    public static IReadOnlyList<FillMaskResult> Predict(BertModel model, WordPieceTokenizer tokenizer, string text, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (tokenizer.VocabSize != model.Config.VocabSize)
            throw new ArgumentException($"FillMask: the tokenizer has {tokenizer.VocabSize} tokens but the model's vocab_size is {model.Config.VocabSize}.");
        var encoding = tokenizer.EncodeForModel(text);
        if (encoding.Length > model.Config.MaxPositions)
            throw new ArgumentException(
                $"FillMask: the text is {encoding.Length} tokens with [CLS] and [SEP], more than the model's {model.Config.MaxPositions} positions (max_position_embeddings).");
        var masks = Enumerable.Range(0, encoding.Length).Where(i => encoding.InputIds[i] == tokenizer.MaskId).ToList();
        if (masks.Count == 0)
            throw new ArgumentException($"FillMask: the text has no {tokenizer.Specials.Mask} token to fill.");

        Tensor logits;
        bool wasTraining = model.IsTraining;
        model.Eval();
        using (GradMode.NoGrad())
            logits = model.MaskedLMLogits(new BertInput(encoding.InputIds, 1, encoding.Length, encoding.TokenTypeIds, encoding.AttentionMask));
        model.Train(wasTraining);

        int vocab = model.Config.VocabSize;
        var results = new List<FillMaskResult>(masks.Count);
        foreach (int position in masks)
        {
            var row = logits.Data.AsSpan(position * vocab, vocab);
            double max = double.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            var probabilities = new double[vocab];
            double sum = 0;
            for (int i = 0; i < vocab; i++) sum += probabilities[i] = Math.Exp(row[i] - max);
            var top = Enumerable.Range(0, vocab).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(topK);
            var candidates = top.Select(id =>
            {
                int[] filled = [.. encoding.InputIds];
                filled[position] = id;
                return new FillMaskCandidate(probabilities[id] / sum, id, tokenizer.TokenOf(id), tokenizer.Decode(filled, skipSpecialTokens: true));
            }).ToList();
            results.Add(new FillMaskResult(position, candidates));
        }
        return results;
    }
}
