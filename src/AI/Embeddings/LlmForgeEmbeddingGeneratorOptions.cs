using LlmForge.Backends;

namespace LlmForge.AI.Embeddings;

/// <summary>What <see cref="LlmForgeEmbeddingGenerator"/> loads and how it pools. <see cref="Validate"/> names the bad key.</summary>
public sealed class LlmForgeEmbeddingGeneratorOptions
{
    /// <summary>A BERT directory (config.json, model.safetensors, vocab.txt). Required.</summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>Scale each embedding to unit L2 norm (default true: cosine similarity is then a dot product).</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Texts encoded together in one forward pass (default 16).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts are truncated. Null: the model's max_position_embeddings.</summary>
    public int? MaxLength { get; set; }

    /// <summary>The compute backend; null: the container's <see cref="ITensorBackend"/>, else the managed backend.</summary>
    public ITensorBackend? Backend { get; set; }

    /// <summary>Throws naming the first bad key.</summary>
    /// <exception cref="ArgumentException">A missing <see cref="ModelDirectory"/>, or a value out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelDirectory))
            throw new ArgumentException($"{nameof(ModelDirectory)} is required: a BERT model directory.", nameof(ModelDirectory));
        if (!Directory.Exists(ModelDirectory))
            throw new ArgumentException($"{nameof(ModelDirectory)} '{ModelDirectory}': no such directory.", nameof(ModelDirectory));
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(BatchSize)} must be ≥ 1.");
        if (MaxLength is < 3) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, $"{nameof(MaxLength)} must be ≥ 3 ([CLS], a token, [SEP]).");
    }
}
