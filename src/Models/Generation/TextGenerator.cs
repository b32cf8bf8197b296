using System.Runtime.CompilerServices;
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
/// With a model that decodes incrementally (<see cref="IIncrementalLanguageModel"/>) and <see cref="UseKvCache"/>
/// on (the default), the prompt is run once (prefill) and each step runs only the new token against the KV cache:
/// the same tokens as recomputing the context, O(T) work per token instead of O(T²). When the context length is
/// reached, a model with absolute positions has no position for the next token: generation goes on as without
/// a cache, recomputing the cropped context at every step. A model with rotary positions and sliding-window
/// attention keeps decoding from its ring buffers instead, each token seeing the previous window as in a forward
/// over the whole, uncropped sequence.
/// Each <c>Generate</c> call starts a fresh sampler from <see cref="SamplingOptions.Seed"/>, so the same
/// prompt and options give the same tokens.
/// A generator keeps its decoding session (the KV caches' buffers) and the buffers of its prefill and decoding
/// steps (<see cref="TensorArena"/>) from one <c>Generate</c> call to the next, so a warm generator allocates
/// almost nothing per token; a prefill whose tensors exceed 64 MB (a long prompt) is not kept.
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

    /// <summary>How each next token is picked (validated by the constructor).</summary>
    public SamplingOptions Sampling { get; }

    /// <summary>
    /// Generation ends after emitting this id (typically the tokenizer's end-of-text); null: only the token limit
    /// ends it.
    /// </summary>
    public int? StopTokenId { get; }

    /// <summary>
    /// More ids that end generation as <see cref="StopTokenId"/> does — a chat model's end-of-turn and every end token
    /// its directory names (<see cref="Generation.StopTokens.FromModelDirectory"/>); default none.
    /// </summary>
    public StopTokens StopTokens { get; init; } = StopTokens.None;

    private bool IsStop(int id) => id == StopTokenId || StopTokens.Contains(id);

    /// <summary>Decode incrementally with a KV cache when the model can (default true); false recomputes the context every token.</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>
    /// Yields up to <paramref name="maxNewTokens"/> new ids after <paramref name="prompt"/> (the prompt itself is
    /// not yielded). When the model picks <see cref="StopTokenId"/> (or one of <see cref="StopTokens"/>), that id is yielded last (as Hugging Face's
    /// <c>generate</c> keeps the eos token) and generation ends. Lazy: each id is computed when enumerated.
    /// </summary>
    /// <exception cref="ArgumentException">Empty prompt, or <paramref name="maxNewTokens"/> &lt; 0.</exception>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, int maxNewTokens) => Generate(prompt, maxNewTokens, CancellationToken.None);

    /// <summary>
    /// <see cref="Generate(IReadOnlyList{int}, int)"/> that checks <paramref name="cancellationToken"/> before computing
    /// each token: once it is cancelled, the next enumeration throws <see cref="OperationCanceledException"/> without
    /// running the model again (at most the token being computed when it was cancelled is still yielded).
    /// </summary>
    /// <exception cref="ArgumentException">Empty prompt, or <paramref name="maxNewTokens"/> &lt; 0.</exception>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, int maxNewTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
            throw new ArgumentException("TextGenerator: the prompt needs at least one token (use the end-of-text id for an unconditional sample).", nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        return Steps([.. prompt], maxNewTokens, cancellationToken);
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
    public string Complete(ITokenizer tokenizer, string prompt, int maxNewTokens, Action<string>? onText = null) =>
        Complete(tokenizer, prompt, maxNewTokens, onText, CancellationToken.None);

    /// <summary>
    /// <see cref="Complete(ITokenizer, string, int, Action{string})"/> that stops with <see cref="OperationCanceledException"/>
    /// before the next token once <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public string Complete(ITokenizer tokenizer, string prompt, int maxNewTokens, Action<string>? onText, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (string piece in Pieces(tokenizer, prompt, maxNewTokens, cancellationToken))
        {
            text.Append(piece);
            onText?.Invoke(piece);
        }
        return text.ToString();
    }

    /// <summary>
    /// Streams the new text of <paramref name="prompt"/> as it is generated: each piece is whole characters
    /// (<see cref="TokenStreamDecoder"/>), without the prompt or the stop token's text; the pieces concatenated are
    /// what <see cref="Complete(ITokenizer, string, int, Action{string})"/> returns. Each token is computed on the
    /// thread pool, so an awaiting caller (a UI, a web request) is not blocked while the model runs.
    /// </summary>
    /// <param name="tokenizer">Encodes the prompt and decodes the new ids.</param>
    /// <param name="prompt">The text to continue ("" starts from the end-of-text id).</param>
    /// <param name="maxNewTokens">At most this many new tokens; the stop token ends earlier.</param>
    /// <param name="cancellationToken">
    /// Checked before each token: once cancelled, the enumeration throws <see cref="OperationCanceledException"/>
    /// without running the model again.
    /// </param>
    public async IAsyncEnumerable<string> StreamAsync(ITokenizer tokenizer, string prompt, int maxNewTokens,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var pieces = Pieces(tokenizer, prompt, maxNewTokens, cancellationToken).GetEnumerator();
        while (await Task.Run(pieces.MoveNext, cancellationToken).ConfigureAwait(false))
            yield return pieces.Current;
    }

    /// <summary>The non-empty pieces of new text, in order: the one decoding loop of Complete and StreamAsync.</summary>
    private IEnumerable<string> Pieces(ITokenizer tokenizer, string prompt, int maxNewTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        IReadOnlyList<int> ids = tokenizer.Encode(prompt);
        if (ids.Count == 0 && tokenizer.EndOfTextId is int eot) ids = [eot];
        return Decode(tokenizer, Generate(ids, maxNewTokens, cancellationToken));
    }

    private IEnumerable<string> Decode(ITokenizer tokenizer, IEnumerable<int> ids)
    {
        var stream = new TokenStreamDecoder(tokenizer);
        foreach (int id in ids)
        {
            if (IsStop(id)) continue;
            string piece = stream.Append(id);
            if (piece.Length > 0) yield return piece;
        }
        string rest = stream.Flush();
        if (rest.Length > 0) yield return rest;
    }

    private IEnumerable<int> Steps(List<int> tokens, int maxNewTokens, CancellationToken cancellationToken)
    {
        var sampler = new TokenSampler(Sampling);
        var incremental = UseKvCache ? _model as IIncrementalLanguageModel : null;
        IDecodingSession? session = null;
        var state = RentState();
        try
        {
            for (int step = 0; step < maxNewTokens; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int next;
                if (incremental is null)
                {
                    next = sampler.Next(LastLogits(tokens));
                }
                else if (session is null) // prefill: the prompt, cropped as without a cache
                {
                    int seq = Math.Min(tokens.Count, _model.ContextLength);
                    session = state.Session(incremental);
                    using (state.Prefill.Step())
                        next = sampler.Next(InEvaluation(() => session.Append(tokens.GetRange(tokens.Count - seq, seq).ToArray(), seq).Data));
                    state.TrimPrefill();
                }
                else if (session.Remaining >= 1)
                {
                    // A decoding step's tensors come from the arena and go back to it before the token is yielded.
                    using (state.Steps.Step())
                        next = sampler.Next(InEvaluation(() => session.Append([tokens[^1]], 1).Data));
                }
                else // absolute positions end here: from now on the cropped context is recomputed every step
                {
                    incremental = null;
                    next = sampler.Next(LastLogits(tokens));
                }
                tokens.Add(next);
                yield return next;
                if (IsStop(next)) yield break;
            }
        }
        finally
        {
            ReturnState(state);
        }
    }

    /// <summary>
    /// What one Generate call decodes with, kept for the next call so that a warm generator allocates (almost)
    /// nothing: the decoding session of one row (its KV caches keep their buffers across <see cref="IDecodingSession.Reset"/>),
    /// and two arenas, for the prefill and for the one-token steps (their shapes differ, so each reuses its own).
    /// </summary>
    private sealed class DecodingState
    {
        /// <summary>A prefill whose tensors take more than this is not pooled: a long prompt's would stay resident.</summary>
        private const long PrefillPoolBytes = 64L << 20;

        private IDecodingSession? _session;
        private IIncrementalLanguageModel? _sessionModel;

        public TensorArena Prefill { get; private set; } = new();

        public TensorArena Steps { get; } = new();

        /// <summary>A reset session for one row: the kept one when it is the model's, else a new one.</summary>
        public IDecodingSession Session(IIncrementalLanguageModel model)
        {
            if (_session is not null && ReferenceEquals(_sessionModel, model) && _session.Batch == 1)
                _session.Reset();
            else
                (_session, _sessionModel) = (model.StartDecoding(1), model);
            return _session;
        }

        /// <summary>After a prefill: drops its buffers when they are too large to keep.</summary>
        public void TrimPrefill()
        {
            if (Prefill.PooledBytes > PrefillPoolBytes) Prefill = new TensorArena();
        }
    }

    // A call made while another one runs (another thread) gets a state of its own.
    private DecodingState? _spareState;

    private DecodingState RentState() => Interlocked.Exchange(ref _spareState, null) ?? new DecodingState();

    private void ReturnState(DecodingState state) => Volatile.Write(ref _spareState, state);

    /// <summary>
    /// Continues every prompt of a batch at once — the prompts left-padded to the longest, one decoding step per
    /// new token for all rows — and returns each row's new ids, as <see cref="Generate(IReadOnlyList{int}, int)"/>
    /// would for that prompt alone (each row has its own sampler from <see cref="SamplingOptions.Seed"/>). A row
    /// ends at <see cref="StopTokenId"/>; the batch ends when every row has, or after <paramref name="maxNewTokens"/>.
    /// Without a KV cache (or with <see cref="UseKvCache"/> off) the prompts are generated one after another.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An empty prompt, or with absolute positions a longest prompt + new tokens past the context length (a batch is
    /// not cropped).
    /// </exception>
    public List<int>[] GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (prompts.Count == 0) throw new ArgumentException("TextGenerator: the batch has no prompts.", nameof(prompts));
        foreach (var prompt in prompts)
            if (prompt is null || prompt.Count == 0)
                throw new ArgumentException("TextGenerator: every prompt of a batch needs at least one token.", nameof(prompts));
        if (!UseKvCache || _model is not IIncrementalLanguageModel incremental)
            return [.. prompts.Select(p => Generate(p, maxNewTokens).ToList())];

        int batch = prompts.Count, longest = Math.Min(prompts.Max(p => p.Count), _model.ContextLength);
        var session = incremental.StartDecoding(batch);
        if (maxNewTokens > 0 && session.Remaining != int.MaxValue && longest + maxNewTokens - 1 > _model.ContextLength)
            throw new ArgumentException(
                $"TextGenerator: the longest prompt ({longest} tokens) + {maxNewTokens} new tokens runs past the context length " +
                $"{_model.ContextLength}; a batch is not cropped (generate those prompts one by one).", nameof(maxNewTokens));

        // Left padding: row b's (cropped) prompt fills the last slots, so every row's last token is the last slot.
        var ids = new int[batch * longest];
        var mask = new int[batch * longest];
        for (int b = 0; b < batch; b++)
        {
            var prompt = prompts[b];
            int count = Math.Min(prompt.Count, longest), pad = longest - count;
            for (int t = 0; t < count; t++)
            {
                ids[b * longest + pad + t] = prompt[prompt.Count - count + t];
                mask[b * longest + pad + t] = 1;
            }
        }

        var results = new List<int>[batch];
        var samplers = new TokenSampler[batch];
        var done = new bool[batch];
        for (int b = 0; b < batch; b++) { results[b] = new List<int>(maxNewTokens); samplers[b] = new TokenSampler(Sampling); }
        var next = new int[batch];
        var memory = new TensorArena();
        for (int step = 0; step < maxNewTokens; step++)
        {
            using (step == 0 ? null : memory.Step()) // the prefill's tensors are as large as the prompts: left to the GC
            {
                var logits = step == 0
                    ? InEvaluation(() => session.Append(ids, longest, mask))   // (B, vocab)
                    : InEvaluation(() => session.Append(next, 1));
                int vocab = logits.Shape[1];
                for (int b = 0; b < batch; b++)
                {
                    if (done[b]) continue; // a finished row keeps feeding its last token; nothing more is recorded
                    next[b] = samplers[b].Next(logits.Data.AsSpan(b * vocab, vocab));
                    results[b].Add(next[b]);
                    done[b] = IsStop(next[b]);
                }
            }
            if (done.All(d => d)) break;
        }
        return results;
    }

    /// <summary>Runs <paramref name="step"/> without a graph and in evaluation mode, then restores the model's mode.</summary>
    private T InEvaluation<T>(Func<T> step)
    {
        bool wasTraining = _model.IsTraining;
        if (wasTraining) _model.Train(false); // a walk over every module: skipped when already evaluating
        try
        {
            using (GradMode.NoGrad()) return step();
        }
        finally
        {
            if (wasTraining) _model.Train(true);
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
