using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// Rotary position embeddings (RoFormer; the GPT-NeoX / Llama "rotate half" layout), applied to q and k of every
/// head inside attention (<see cref="F.Rotary"/>): dims i and i + hs/2 of a head form a pair turned by the angle
/// <code>θ_i(t) = t · rope_theta^(−2i/hs),   i = 0 … hs/2 − 1</code>
/// so q·k depends on the distance between positions. The embeddings are left as they are; nothing is learned.
/// Kind name "rotary"; config.json position_embedding_type "rotary", rope_theta (default 10000).
/// With <see cref="RotaryConvention.Interleaved"/> (GPT-J, Meta's original Llama) pair i is dims 2i and 2i + 1
/// instead: each head is de-interleaved into the rotate-half order, turned, and interleaved back. A
/// <see cref="Layers.RopeScaling"/> remaps the frequencies rope_theta^(−2i/hs) (Llama 3's "llama3", "linear").
/// </summary>
public sealed class RotaryPositionalEncoding : Module, IPositionalEncoding
{
    /// <summary>rope_theta when none is given: RoFormer's and Llama's 10000.</summary>
    public const double DefaultTheta = 10000;

    private readonly PositionTable cos;
    private readonly PositionTable sin;

    /// <summary>The cos/sin tables [contextLength, headDim] of the angles t · theta^(−2i/hs); positions past the
    /// table are computed when asked.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contextLength"/> ≤ 0, <paramref name="headDim"/>
    /// not positive and even, or <paramref name="theta"/> not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="scaling"/> has an invalid value (the message names its key).</exception>
    /// <param name="init">The backend the tables live on.</param>
    /// <param name="contextLength">Positions tabulated up front.</param>
    /// <param name="headDim">hs, even.</param>
    /// <param name="theta">rope_theta.</param>
    /// <param name="convention">Which dims pair up (rotate_half, the default, or interleaved).</param>
    /// <param name="scaling">rope_scaling's remapping of the frequencies; null = none.</param>
    public RotaryPositionalEncoding(ModuleInit init, int contextLength, int headDim, double theta = DefaultTheta,
        RotaryConvention convention = RotaryConvention.RotateHalf, RopeScaling? scaling = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        if (headDim <= 0 || headDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "RotaryPositionalEncoding: the head dim must be even (dims pair up).");
        if (!(double.IsFinite(theta) && theta > 0))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "RotaryPositionalEncoding: rope_theta must be positive.");
        if (!Enum.IsDefined(convention))
            throw new ArgumentOutOfRangeException(nameof(convention), convention, "RotaryPositionalEncoding: unknown convention.");
        if (scaling?.FindError() is { } error) throw new ArgumentException($"RotaryPositionalEncoding: {error}", nameof(scaling));
        HeadDim = headDim;
        Theta = theta;
        Convention = convention;
        Scaling = scaling;
        int half = headDim / 2;
        var inverseFrequency = new double[half];   // θ_i = theta^(−2i/hs), remapped by rope_scaling
        for (int i = 0; i < half; i++)
            inverseFrequency[i] = scaling is null ? Math.Pow(theta, -2.0 * i / headDim) : scaling.Apply(Math.Pow(theta, -2.0 * i / headDim));
        // [T, hs] with the angle of pair i in columns i and i + hs/2, as F.Rotary reads it
        double Angle(int t, int d) => t * inverseFrequency[d % half];
        // The angles are defined at every position: a KV cache bounded by a sliding window decodes past the
        // context length, and its positions are computed when asked (Gather), not tabulated.
        cos = new PositionTable(init.Backend, contextLength, headDim, (t, d) => Math.Cos(Angle(t, d)), extends: true);
        sin = new PositionTable(init.Backend, contextLength, headDim, (t, d) => Math.Sin(Angle(t, d)), extends: true);
    }

    /// <summary>hs: the head width rotated, in pairs (i, i + hs/2).</summary>
    public int HeadDim { get; }

    /// <summary>rope_theta: the base of the rotation frequencies.</summary>
    public double Theta { get; }

    /// <summary>Which dims pair up: (i, i + hs/2) or (2i, 2i + 1).</summary>
    public RotaryConvention Convention { get; }

    /// <summary>rope_scaling's remapping of the frequencies, or null.</summary>
    public RopeScaling? Scaling { get; }

    /// <summary>
    /// Positions tabulated up front (the model's context length); later ones are computed on demand.
    /// </summary>
    public int ContextLength => cos.Positions;

    /// <summary>Rotary acts inside attention only.</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, int startPosition) => embeddings;

    /// <summary>Rotary acts inside attention only: the embeddings are returned unchanged.</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, TokenPositions positions) => embeddings;

    /// <summary>(B, nh, T, hs) → (B, nh, T, hs), each head's pairs turned by their position's angles.</summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, int startPosition)
    {
        ArgumentNullException.ThrowIfNull(queryOrKey);
        if (queryOrKey.Rank < 2 || queryOrKey.Shape[^1] != HeadDim)
            throw new ArgumentException(
                $"RotaryPositionalEncoding: q or k [{string.Join(",", queryOrKey.Shape)}] must be (B, nh, T, {HeadDim}).", nameof(queryOrKey));
        int t = queryOrKey.Shape[^2];
        const string owner = nameof(RotaryPositionalEncoding);
        return Turn(queryOrKey, cos.Rows(startPosition, t, owner), sin.Rows(startPosition, t, owner));
    }

    /// <summary>
    /// (B, nh, T, hs) → (B, nh, T, hs), row b turned by the angles of its own positions (padding, batched decoding;
    /// positions past the context length are fine: the angles are computed).
    /// </summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, TokenPositions positions)
    {
        ArgumentNullException.ThrowIfNull(queryOrKey);
        ArgumentNullException.ThrowIfNull(positions);
        if (queryOrKey.Rank != 4 || queryOrKey.Shape[^1] != HeadDim)
            throw new ArgumentException(
                $"RotaryPositionalEncoding: q or k [{string.Join(",", queryOrKey.Shape)}] must be (B, nh, T, {HeadDim}).", nameof(queryOrKey));
        int b = queryOrKey.Shape[0], t = queryOrKey.Shape[2];
        positions.Check(b, t, nameof(RotaryPositionalEncoding));
        const string owner = nameof(RotaryPositionalEncoding);
        if (positions.CommonStart is not null) // one [T, hs] table for every row, as the per-run overload
        {
            int[] run = positions.Positions[..t];
            return Turn(queryOrKey, cos.Gather(run, owner), sin.Gather(run, owner));
        }
        // F.Rotary shares one [T, hs] table over the leading axes, so each row is turned on its own.
        var rows = new Tensor[b];
        for (int i = 0; i < b; i++)
        {
            int[] row = positions.Positions[(i * t)..((i + 1) * t)];
            rows[i] = Turn(queryOrKey.Narrow(0, i, 1), cos.Gather(row, owner), sin.Gather(row, owner)); // (1, nh, T, hs)
        }
        return F.Concat(0, rows);
    }

    /// <summary>
    /// F.Rotary in the rotate-half order; interleaved heads are first reordered (.., hs/2, 2) → (.., 2, hs/2) so that
    /// dims 2i, 2i + 1 land on i, i + hs/2, turned, and put back.
    /// </summary>
    private Tensor Turn(Tensor x, Tensor cosTable, Tensor sinTable)
    {
        if (Convention == RotaryConvention.RotateHalf) return x.Rotary(cosTable, sinTable);
        var shape = x.Shape;                       // (.., T, hs)
        int lead = shape.Length - 1, half = HeadDim / 2;
        int[] pairs = [.. shape[..^1], half, 2];   // (.., T, hs/2, 2): pair i is row i
        int[] swap = [.. Enumerable.Range(0, lead), lead + 1, lead];
        var halves = x.Reshape(pairs).Permute(swap).Reshape(shape);             // (.., T, hs): evens then odds
        var turned = halves.Rotary(cosTable, sinTable);
        return turned.Reshape([.. shape[..^1], 2, half]).Permute(swap).Reshape(shape); // back to (2i, 2i + 1)
    }
}
