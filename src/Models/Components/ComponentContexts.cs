using LlmForge.Layers;

namespace LlmForge.Components;

/// <summary>
/// What an attention factory is given to build the layer of one block: the init (backend, seeded RNG, default std)
/// and the model's sizes and settings. A kind reads what it needs (sliding-window reads <see cref="Window"/>).
/// </summary>
public sealed record AttentionContext(ModuleInit Init, int EmbeddingDim, int Heads)
{
    /// <summary>Whether q, k and v have a bias (qkv_bias).</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>Dropout on the attention weights (attn_pdrop).</summary>
    public float DropRate { get; init; }

    /// <summary>num_key_value_heads for grouped-query attention; 0 means <see cref="AttentionContext.Heads"/>.</summary>
    public int KeyValueHeads { get; init; }

    /// <summary>Whether the output projection has a bias (GPT-2: yes; Llama: attention_bias).</summary>
    public bool OutputBias { get; init; } = true;

    /// <summary>Init std of the output projection; GPT-2 scales it by 1/√(2·n_layer). Null = the init's default.</summary>
    public float? ProjectionStd { get; init; }

    /// <summary>The variant's Attention:Window (sliding_window); 0 when not set.</summary>
    public int Window { get; init; }

    /// <summary>Index of the block the layer belongs to.</summary>
    public int Layer { get; init; }

    /// <summary>
    /// Width of one head, <see cref="AttentionContext.EmbeddingDim"/> / <see cref="AttentionContext.Heads"/> (the
    /// validator checks that it divides).
    /// </summary>
    public int HeadDim => EmbeddingDim / Heads;
}

/// <summary>What a positional-encoding factory is given (one encoding per model, shared by every block).</summary>
public sealed record PositionalEncodingContext(ModuleInit Init, int EmbeddingDim, int Heads, int ContextLength)
{
    /// <summary>rope_theta: base of the rotary frequencies.</summary>
    public double Theta { get; init; } = 10000;

    /// <summary>rope_convention: which head dims a rotary encoding pairs (rotate_half or interleaved).</summary>
    public RotaryConvention Convention { get; init; }

    /// <summary>rope_scaling: the rotary frequencies' remapping (llama3, linear); null = none.</summary>
    public RopeScaling? Scaling { get; init; }

    /// <summary>
    /// Width of one head, <see cref="PositionalEncodingContext.EmbeddingDim"/> /
    /// <see cref="PositionalEncodingContext.Heads"/>: the size rotary encodings rotate.
    /// </summary>
    public int HeadDim => EmbeddingDim / Heads;
}

/// <summary>What a normalization factory is given (each block's two norms and the final one).</summary>
public sealed record NormalizationContext(ModuleInit Init, int Dim)
{
    /// <summary>eps added to the variance (or mean square) before the square root.</summary>
    public float Epsilon { get; init; } = 1e-5f;
}
