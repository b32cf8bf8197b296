using LlmForge.Autograd;
using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;

namespace LlmForge.Inspection;

/// <summary>
/// Where a translator looks in the source while it writes each target token: the cross-attention weights of every
/// decoder layer and head over a greedy translation of one text. Row t of a map is the query that produced target
/// token t (<see cref="TargetTokens"/>, eos last), column s the source token s (<see cref="SourceTokens"/>, eos last);
/// each row sums to 1. The learned alignment of "Attention Is All You Need" and of Bahdanau et al.'s figures.
/// </summary>
/// <param name="SourceTokens">The source's tokens as text (eos as <c>&lt;/s&gt;</c>).</param>
/// <param name="TargetTokens">The translation's tokens as text, in the order produced.</param>
/// <param name="Translation">The translation as text.</param>
/// <param name="Weights">[layer][head] → [target token, source token].</param>
public sealed record CrossAttentionMap(IReadOnlyList<string> SourceTokens, IReadOnlyList<string> TargetTokens, string Translation, float[][][,] Weights)
{
    /// <summary>
    /// Translates <paramref name="text"/> greedily, then runs the decoder once over the translation (teacher forcing on
    /// its own output, no graph, the model's current mode) and keeps every layer's cross-attention probabilities.
    /// </summary>
    /// <param name="model">The translator (put it in eval mode first).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="text">The source text.</param>
    /// <param name="maxNewTokens">Most target tokens; null: twice the source's plus 10, within max_position_embeddings.</param>
    /// <exception cref="ArgumentException">A text that encodes to more tokens than max_position_embeddings.</exception>
    public static CrossAttentionMap Of(EncoderDecoderModel model, ITranslationTokenizer tokenizer, string text, int? maxNewTokens = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        var config = model.Config;
        int[] source = [.. tokenizer.EncodeSource(text)];
        if (source.Length > config.MaxPositions)
            throw new ArgumentException($"the text is {source.Length} tokens, more than the model's {config.MaxPositions} (max_position_embeddings); shorten it.", nameof(text));
        int newTokens = Math.Min(maxNewTokens ?? 2 * source.Length + 10, config.MaxPositions - 1);
        int[] output = GreedyTranslation.Generate(model, source, 1, source.Length, null, newTokens)[0]; // start, y1 … (eos)

        int t = output.Length - 1, s = source.Length;
        var weights = new float[config.DecoderLayers][][,];
        using (GradMode.NoGrad())
        {
            var memory = model.Encode(source, 1, s, null);
            model.Decode(output[..^1], 1, t, memory, reportCross: (layer, probabilities) => weights[layer] = Maps(probabilities, t, s)); // (1, nh, T, S)
        }
        return new CrossAttentionMap([.. source.Select(id => Piece(tokenizer, id))], [.. output[1..].Select(id => Piece(tokenizer, id))],
            tokenizer.DecodeTarget(output[1..]), weights);
    }

    /// <summary>For each layer and head, the source token each target token attends to most.</summary>
    public IEnumerable<(int Layer, int Head, int[] Strongest)> StrongestSources() =>
        Weights.SelectMany((layer, l) => layer.Select((w, h) =>
            (l, h, Enumerable.Range(0, w.GetLength(0)).Select(i => Enumerable.Range(0, w.GetLength(1)).MaxBy(j => w[i, j])).ToArray())));

    /// <summary>A token id as text: the special tokens by name, an id that decodes to nothing as #id.</summary>
    private static string Piece(ITranslationTokenizer tokenizer, int id) =>
        id == tokenizer.EosId ? "</s>" : id == tokenizer.PadId ? "<pad>" : tokenizer.DecodeTarget([id]) is { Length: > 0 } piece ? piece : $"#{id}";

    /// <summary>(1, nh, T, S) probabilities → [head][T, S].</summary>
    private static float[][,] Maps(Tensor probabilities, int t, int s)
    {
        int heads = probabilities.Shape[1];
        var data = probabilities.ToArray();
        var maps = new float[heads][,];
        for (int h = 0; h < heads; h++)
        {
            maps[h] = new float[t, s];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < s; j++) maps[h][i, j] = data[(h * t + i) * s + j];
        }
        return maps;
    }
}
