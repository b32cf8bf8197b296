using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// The original transformer's fixed positions ("Attention Is All You Need", §3.5), added to the token embeddings:
/// <code>PE[t, 2i] = sin(t / 10000^(2i/C)),   PE[t, 2i+1] = cos(t / 10000^(2i/C))</code>
/// Nothing is learned (no parameters). Kind name "sinusoidal"; config.json position_embedding_type "sinusoidal".
/// With <see cref="SinusoidLayout.Halves"/> the same sines fill the first half of the dims and the cosines the second
/// (Marian's and fairseq's table, what Hugging Face's MarianSinusoidalPositionalEmbedding computes).
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module, IPositionalEncoding
{
    /// <summary>The base of the wavelengths, 10000 in the paper.</summary>
    public const double Base = 10000;

    private readonly PositionTable table;

    /// <summary>The table PE [contextLength, embeddingDim] on <paramref name="init"/>'s backend (nothing drawn from
    /// its RNG).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0.</exception>
    public SinusoidalPositionalEncoding(ModuleInit init, int contextLength, int embeddingDim)
        : this(init, contextLength, embeddingDim, SinusoidLayout.Interleaved)
    {
    }

    /// <summary>The table PE [contextLength, embeddingDim] with its columns in <paramref name="layout"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0.</exception>
    public SinusoidalPositionalEncoding(ModuleInit init, int contextLength, int embeddingDim, SinusoidLayout layout)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        Layout = layout;
        if (!Enum.IsDefined(layout)) throw new ArgumentOutOfRangeException(nameof(layout), layout, "SinusoidalPositionalEncoding: unknown layout.");
        table = new PositionTable(init.Backend, contextLength, embeddingDim, (t, d) => Entry(t, d, embeddingDim, layout));
    }

    /// <summary>PE[<paramref name="position"/>, <paramref name="dim"/>] of a table <paramref name="embeddingDim"/> wide in <paramref name="layout"/>.</summary>
    public static double Entry(int position, int dim, int embeddingDim, SinusoidLayout layout)
    {
        if (layout == SinusoidLayout.Interleaved)
        {
            // dims 2i and 2i+1 share the frequency ω_i = 10000^(−2i/C): sin on the even one, cos on the odd one
            double angle = position * Math.Pow(Base, -(dim - dim % 2) / (double)embeddingDim);
            return dim % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
        }
        // Halves: dim i < ⌈C/2⌉ is sin(t·ω_i), dim ⌈C/2⌉ + i is cos(t·ω_i), with the same ω_i = 10000^(−2i/C)
        int sines = (embeddingDim + 1) / 2;
        int i = dim < sines ? dim : dim - sines;
        double halvesAngle = position * Math.Pow(Base, -2.0 * i / embeddingDim);
        return dim < sines ? Math.Sin(halvesAngle) : Math.Cos(halvesAngle);
    }

    /// <summary>Where the sines and cosines sit among the dims.</summary>
    public SinusoidLayout Layout { get; }

    /// <summary>Rows of the table: the positions it can encode.</summary>
    public int ContextLength => table.Positions;

    /// <summary>The constant PE rows [start, start + T), [T, C].</summary>
    public Tensor Table(int startPosition, int count) => table.Rows(startPosition, count, nameof(SinusoidalPositionalEncoding));

    /// <summary>(B, T, C) + PE[start .. start+T) broadcast over B.</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, int startPosition)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return embeddings + Table(startPosition, embeddings.Shape[^2]); // (B, T, C) + (T, C)
    }

    /// <summary>(B, T, C) + PE[positions[b, t]]: each row at its own positions (padding, batched decoding).</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, TokenPositions positions)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(positions);
        int b = embeddings.Shape[0], t = embeddings.Shape[^2];
        positions.Check(b, t, nameof(SinusoidalPositionalEncoding));
        var rows = table.Gather(positions.Positions, nameof(SinusoidalPositionalEncoding)); // [B·T, C]
        return embeddings + rows.Reshape(b, t, rows.Shape[1]);                              // (B, T, C) + (B, T, C)
    }

    /// <summary>Sinusoids act on the embeddings only.</summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, int startPosition) => queryOrKey;

    /// <summary>Sinusoids act on the embeddings only: q or k is returned unchanged.</summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, TokenPositions positions) => queryOrKey;
}
