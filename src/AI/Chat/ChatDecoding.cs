using LlmForge.Tokenization;

namespace LlmForge.AI.Chat;

/// <summary>
/// Decodes one request's reply into text pieces: each new id through a <see cref="TokenStreamDecoder"/> (whole
/// characters), the end token's text left out, then through a <see cref="StopSequenceFilter"/> (nothing of a stop
/// sequence shown). Records how many tokens were generated and whether an end token or stop sequence ended it.
/// </summary>
internal sealed class ChatDecoding(ChatRequest request, ITokenizer tokenizer)
{
    /// <summary>New ids generated so far (an end token included, as the model produced it).</summary>
    public int GeneratedTokens { get; private set; }

    /// <summary>True when an end token or a stop sequence ended the reply; false when the token limit did.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The reply's non-empty text pieces, in order; lazily, one token's work per piece at most.</summary>
    public IEnumerable<string> Pieces(CancellationToken cancellationToken)
    {
        var text = new TokenStreamDecoder(tokenizer);
        var filter = new StopSequenceFilter(request.StopSequences);
        foreach (int id in request.Generator.Generate(request.Prompt, request.MaxTokens, cancellationToken))
        {
            GeneratedTokens++;
            if (request.Generator.StopTokens.Contains(id)) { Stopped = true; break; }
            string piece = filter.Push(text.Append(id));
            if (piece.Length > 0) yield return piece;
            if (filter.Stopped) { Stopped = true; yield break; }
        }
        string rest = filter.Push(text.Flush());
        if (rest.Length > 0) yield return rest;
        rest = filter.Flush();
        if (rest.Length > 0) yield return rest;
        Stopped |= filter.Stopped;
    }
}
