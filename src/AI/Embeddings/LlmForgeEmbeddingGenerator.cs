using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmForge.AI.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a BERT directory: each text is encoded as
/// <c>[CLS] text [SEP]</c>, the texts of a batch padded to the longest, run through the encoder, and mean-pooled over
/// the real tokens (<see cref="MeanPooling"/>), so a text's embedding does not depend on the batch it is in; optionally
/// L2-normalized. Usage reports the real tokens encoded.
/// </summary>
public sealed class LlmForgeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlmForgeEmbeddingGeneratorOptions _options;
    private readonly BertModel _model;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Loads the encoder and its WordPiece tokenizer.</summary>
    /// <param name="options">Validated first (errors name the key).</param>
    /// <param name="backend">Used when <paramref name="options"/> names none; null: the managed backend.</param>
    /// <exception cref="InvalidDataException">The directory's tokenizer is not BERT's WordPiece (vocab.txt).</exception>
    public LlmForgeEmbeddingGenerator(LlmForgeEmbeddingGeneratorOptions options, ITensorBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        string directory = options.ModelDirectory;
        _tokenizer = TokenizerFiles.Load(directory) as WordPieceTokenizer
            ?? throw new InvalidDataException($"'{directory}': an embedding generator needs a BERT WordPiece tokenizer ({WordPieceTokenizerFiles.VocabFile}).");
        _model = BertCheckpoint.Load(directory, options.Backend ?? backend ?? new ManagedBackend());
        _model.Train(false);
        MaxLength = Math.Min(options.MaxLength ?? _model.Config.MaxPositions, _model.Config.MaxPositions);
        string modelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        _metadata = new EmbeddingGeneratorMetadata("LlmForge", new Uri(Path.GetFullPath(directory)), modelId, Dimensions);
    }

    /// <summary>C: the length of every embedding (the encoder's hidden size).</summary>
    public int Dimensions => _model.Config.HiddenSize;

    /// <summary>Tokens per text after truncation, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Options asking for other <see cref="EmbeddingGenerationOptions.Dimensions"/> than the model's.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int wanted && wanted != Dimensions)
            throw new NotSupportedException($"This model's embeddings have {Dimensions} dimensions; {wanted} were asked for.");
        var texts = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        long tokens = 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int start = 0; start < texts.Count; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = texts.GetRange(start, Math.Min(_options.BatchSize, texts.Count - start));
                var (vectors, real) = await Task.Run(() => Embed(batch), cancellationToken).ConfigureAwait(false);
                tokens += real;
                var created = DateTimeOffset.UtcNow;
                foreach (var v in vectors) result.Add(new Embedding<float>(v) { ModelId = _metadata.DefaultModelId, CreatedAt = created });
            }
        }
        finally
        {
            _gate.Release();
        }
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }

    /// <summary>One batch: texts → padded ids (B, T) → hidden (B, T, C) → pooled (B, C); and the real tokens' count.</summary>
    private (float[][] Vectors, long Tokens) Embed(List<string> texts)
    {
        var encoded = _tokenizer.EncodeBatch(texts, maxLength: MaxLength);
        using (GradMode.NoGrad())
        {
            var hidden = _model.Encode(BertInput.From(encoded)); // (B, T, C)
            var vectors = MeanPooling.Pool(hidden.Data, encoded.AttentionMask, encoded.Batch, encoded.SequenceLength, Dimensions, _options.Normalize);
            return (vectors, encoded.AttentionMask.Count(m => m != 0));
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
