using System.Text;
using LlmForge.Autograd;
using LlmForge.Tokenization;

namespace LlmForge.Generation;

/// <summary>
/// Autoregressive generation, nanoGPT's <c>generate</c> loop: run the model on the context, pick the next
/// token from the last position's logits with a <see cref="TokenSampler"/>, append it, repeat. The context
/// is cropped to the model's last <see cref="ICausalLanguageModel.ContextLength"/> tokens, so generation
/// may run past it. Each step runs without a graph (<see cref="GradMode.NoGrad"/>) and in evaluation mode
/// (dropout off); the model's previous mode is restored after the step, so sampling in the middle of
/// training leaves the training mode alone.
/// </summary>
/// <remarks>
/// Every step recomputes the whole context (no KV cache): O(T²) work per token, simple and exact.
/// Each <c>Generate</c> call starts a fresh sampler from <see cref="SamplingOptions.Seed"/>, so the same
/// prompt and options give the same tokens.
/// </remarks>
public sealed class TextGenerator
{
    private readonly ICausalLanguageModel _model;

    /// <param name="model">The decoder; see <see cref="GptLanguageModel"/> for a GptModel.</param>
    /// <param name="sampling">Greedy or sampled decoding (default: temperature 1, seed 1337).</param>
    /// <param name="stopTokenId">Generation ends after this id (the tokenizer's <see cref="ITokenizer.EndOfTextId"/>); null: only the limit ends it.</param>
    public TextGenerator(ICausalLanguageModel model, SamplingOptions? sampling = null, int? stopTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ContextLength <= 0)
            throw new ArgumentException($"TextGenerator: the model's context length must be positive, got {model.ContextLength}.", nameof(model));
        _model = model;
        Sampling = sampling ?? new SamplingOptions();
        Sampling.Validate();
        StopTokenId = stopTokenId;
    }

    public SamplingOptions Sampling { get; }

    public int? StopTokenId { get; }

    /// <summary>
    /// Yields up to <paramref name="maxNewTokens"/> new ids after <paramref name="prompt"/> (the prompt itself is
    /// not yielded). When the model picks <see cref="StopTokenId"/>, that id is yielded last (as Hugging Face's
    /// <c>generate</c> keeps the eos token) and generation ends. Lazy: each id is computed when enumerated.
    /// </summary>
    /// <exception cref="ArgumentException">Empty prompt, or <paramref name="maxNewTokens"/> &lt; 0.</exception>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
            throw new ArgumentException("TextGenerator: the prompt needs at least one token (use the end-of-text id for an unconditional sample).", nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        return Steps([.. prompt], maxNewTokens);
    }

    /// <summary>Runs <see cref="Generate(IReadOnlyList{int}, int)"/> to the end, calling <paramref name="onToken"/> with each new id as it comes.</summary>
    public List<int> Generate(IReadOnlyList<int> prompt, int maxNewTokens, Action<int> onToken)
    {
        ArgumentNullException.ThrowIfNull(onToken);
        var generated = new List<int>(maxNewTokens);
        foreach (int id in Generate(prompt, maxNewTokens))
        {
            generated.Add(id);
            onToken(id);
        }
        return generated;
    }

    /// <summary>
    /// Encodes <paramref name="prompt"/>, generates, and returns the new text only (without the prompt and
    /// without the stop token's text). <paramref name="onText"/>, if given, receives each completed piece of
    /// text as it is produced (whole characters, see <see cref="TokenStreamDecoder"/>).
    /// </summary>
    public string Complete(ITokenizer tokenizer, string prompt, int maxNewTokens, Action<string>? onText = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        IReadOnlyList<int> ids = tokenizer.Encode(prompt);
        if (ids.Count == 0 && tokenizer.EndOfTextId is int eot) ids = [eot];
        var stream = new TokenStreamDecoder(tokenizer);
        var text = new StringBuilder();
        void Emit(string piece)
        {
            if (piece.Length == 0) return;
            text.Append(piece);
            onText?.Invoke(piece);
        }
        foreach (int id in Generate(ids, maxNewTokens))
            if (id != StopTokenId) Emit(stream.Append(id));
        Emit(stream.Flush());
        return text.ToString();
    }

    private IEnumerable<int> Steps(List<int> tokens, int maxNewTokens)
    {
        var sampler = new TokenSampler(Sampling);
        for (int step = 0; step < maxNewTokens; step++)
        {
            int next = sampler.Next(LastLogits(tokens));
            tokens.Add(next);
            yield return next;
            if (next == StopTokenId) yield break;
        }
    }

    /// <summary>Logits [vocab] of the last position, for the context cropped to the last ContextLength tokens.</summary>
    private float[] LastLogits(List<int> tokens)
    {
        int seq = Math.Min(tokens.Count, _model.ContextLength);
        int[] context = tokens.GetRange(tokens.Count - seq, seq).ToArray(); // (1, T)
        bool wasTraining = _model.IsTraining;
        _model.Train(false);
        try
        {
            using (GradMode.NoGrad())
            {
                Tensor logits = _model.Forward(context, 1, seq); // (1, T, vocab)
                if (logits.Rank != 3 || logits.Shape[0] != 1 || logits.Shape[1] != seq)
                    throw new InvalidOperationException(
                        $"TextGenerator: the model returned logits [{string.Join(", ", logits.Shape)}] for ids (1, {seq}); expected [1, {seq}, vocab].");
                int vocab = logits.Shape[2];
                return logits.Data.AsSpan((seq - 1) * vocab, vocab).ToArray();
            }
        }
        finally
        {
            _model.Train(wasTraining);
        }
    }
}
