using System.Runtime.CompilerServices;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace LlmForge.AI.Chat;

/// <summary>
/// An <see cref="IChatClient"/> over a causal LM directory LlmForge loads (GPT-2, Llama-family): the chat is rendered
/// with the directory's chat template (or a named one, <see cref="LlmForgeChatClientOptions.ChatTemplate"/>), continued
/// by <see cref="TextGenerator"/> with a KV cache, and streamed as tokens complete — whole characters only
/// (<see cref="TokenStreamDecoder"/>), never the stop token's text nor any part of a stop sequence. ChatOptions'
/// Temperature, TopP, TopK, Seed, MaxOutputTokens, StopSequences and Instructions are honoured; the last update carries
/// the <see cref="UsageDetails"/> (prompt and generated token counts) and the <see cref="ChatFinishReason"/>
/// (Stop at an end token or stop sequence, Length at the token limit).
/// </summary>
/// <remarks>
/// One model serves one request at a time: concurrent requests wait for each other. Each token is computed on the
/// thread pool, so an awaiting caller is not blocked while the model runs; cancellation is checked before each token.
/// A prompt longer than the model's context is cropped to its last tokens, as <see cref="TextGenerator"/> does.
/// </remarks>
public sealed class LlmForgeChatClient : IChatClient
{
    private readonly LlmForgeChatClientOptions _options;
    private readonly GptLanguageModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly StopTokens _stopTokens;
    private readonly ChatClientMetadata _metadata;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TextGenerator? _generator;

    /// <summary>Loads the model, tokenizer, end tokens and chat format of <paramref name="options"/>' directory.</summary>
    /// <param name="options">Validated first (errors name the key).</param>
    /// <param name="backend">Used when <paramref name="options"/> names none; null: the managed backend.</param>
    /// <exception cref="ArgumentException">Bad options.</exception>
    /// <exception cref="CheckpointFormatException">A config.json or weights LlmForge cannot load.</exception>
    /// <exception cref="InvalidDataException">A tokenizer whose vocabulary the model does not cover, or an unrecognized chat template.</exception>
    public LlmForgeChatClient(LlmForgeChatClientOptions options, ITensorBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        string directory = options.ModelDirectory;
        _tokenizer = TokenizerFiles.Load(directory);
        var gpt = Gpt2Checkpoint.Load(directory, options.Backend ?? backend ?? new ManagedBackend());
        if (_tokenizer.VocabSize > gpt.Config.VocabSize)
            throw new InvalidDataException(
                $"'{directory}': the tokenizer has {_tokenizer.VocabSize} ids but config.json's vocab_size is {gpt.Config.VocabSize}.");
        if (options.BFloat16Weights) gpt.UseBFloat16Weights();
        if (options.Int8Weights) gpt.UseInt8Weights();
        _model = gpt.AsLanguageModel();
        _stopTokens = StopTokens.FromModelDirectory(directory, _tokenizer);
        if (_tokenizer.EndOfTextId is int eot) _stopTokens = _stopTokens.With([eot]);
        Format = options.ChatTemplate is { } name ? ChatPromptFormats.Named(name, BeginOfText(directory)) : ChatPromptFormats.FromDirectory(directory);
        var location = ModelLocation.Of(directory);
        ModelId = location.ModelId;
        _metadata = new ChatClientMetadata("LlmForge", location.Uri, ModelId);
    }

    /// <summary>How chats are rendered for this model.</summary>
    public ChatPromptFormat Format { get; }

    /// <summary>The model directory's name, reported as the responses' ModelId.</summary>
    public string ModelId { get; }

    /// <summary>The loaded decoder.</summary>
    public GptModel Model => _model.Model;

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options);
        string responseId = Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        ChatResponseUpdate Update(IList<AIContent> contents) =>
            new(ChatRole.Assistant, contents) { ResponseId = responseId, MessageId = responseId, ModelId = ModelId, CreatedAt = created };

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var decoding = new ChatDecoding(request, _tokenizer);
            using var pieces = decoding.Pieces(cancellationToken).GetEnumerator();
            while (await Task.Run(pieces.MoveNext, cancellationToken).ConfigureAwait(false))
                yield return Update([new TextContent(pieces.Current)]);
            var usage = new UsageDetails
            {
                InputTokenCount = request.Prompt.Count,
                OutputTokenCount = decoding.GeneratedTokens,
                TotalTokenCount = request.Prompt.Count + decoding.GeneratedTokens,
            };
            var last = Update([new UsageContent(usage)]);
            last.FinishReason = decoding.Stopped ? ChatFinishReason.Stop : ChatFinishReason.Length;
            yield return last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The prompt ids, generator and limits of one request; throws naming a bad option before any work.</summary>
    private ChatRequest Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var chat = messages.ToList();
        if (options?.Instructions is { Length: > 0 } instructions) chat.Insert(0, new ChatMessage(ChatRole.System, instructions));
        int maxTokens = options?.MaxOutputTokens ?? _options.MaxOutputTokens;
        if (maxTokens < 1)
            throw new ArgumentOutOfRangeException(nameof(options), maxTokens, $"{nameof(ChatOptions.MaxOutputTokens)} must be ≥ 1.");
        var sampling = new SamplingOptions
        {
            Temperature = options?.Temperature ?? _options.Temperature,
            TopK = options?.TopK ?? _options.TopK,
            TopP = options?.TopP ?? _options.TopP,
            Seed = options?.Seed is long seed ? unchecked((ulong)seed) : _options.Seed,
        };
        sampling.Validate(); // names Temperature, TopK or TopP
        var prompt = _tokenizer.Encode(Format.Render(chat), allowSpecialTokens: true);
        if (prompt.Count == 0)
            prompt = _tokenizer.EndOfTextId is int eot ? [eot] : throw new ArgumentException("The chat renders to no tokens.", nameof(messages));
        // A generator keeps its KV cache buffers from one reply to the next: reused while the sampling is the same.
        var generator = _generator is { } last && last.Sampling == sampling ? last : new TextGenerator(_model, sampling) { StopTokens = _stopTokens };
        _generator = generator;
        var stops = Format.StopSequences.Concat(options?.StopSequences ?? []);
        return new ChatRequest(prompt, generator, maxTokens, [.. stops]);
    }

    // "bos_token" of tokenizer_config.json, for a Llama template chosen by name; null: the template's default.
    private static string? BeginOfText(string directory)
    {
        try
        {
            return ChatTemplate.Load(directory).BeginOfText;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(ChatPromptFormat)) return Format;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
