namespace LlmForge.Components;

// A kind is a named factory: the key a configuration selects ("Attention": { "Kind": "sliding-window" }) and how
// to build the component from its context. What a factory returns must be a LlmForge.Layers.Module (so its
// parameters join the model's tree); AddAttention<T> and its siblings enforce it at compile time.

/// <summary>An attention implementation selectable by <see cref="Name"/>.</summary>
public sealed record AttentionKind(string Name, Func<AttentionContext, IAttention> Create)
{
    /// <summary>
    /// Whether the attention only makes sense in a decoder (it rejects a bidirectional mask, as sliding-window
    /// does), so configuration validation refuses it in an encoder (BERT) variant before anything is built.
    /// </summary>
    public bool DecoderOnly { get; init; }
}

/// <summary>A positional encoding selectable by <see cref="Name"/>.</summary>
public sealed record PositionalEncodingKind(string Name, Func<PositionalEncodingContext, IPositionalEncoding> Create);

/// <summary>A normalization layer selectable by <see cref="Name"/>.</summary>
public sealed record NormalizationKind(string Name, Func<NormalizationContext, INormalization> Create);
