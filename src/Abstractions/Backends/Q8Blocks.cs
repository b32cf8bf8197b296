namespace LlmForge.Backends;

/// <summary>
/// 8-bit weights in blocks, as ggml's q8_0: every row of a matrix [rows, k] is cut into blocks of
/// <see cref="BlockSize"/> = 32 values, and each block stores 32 int8 quants q = round(x / d) with one float scale
/// d = max|x| / 127 (q ∈ [−127, 127]; an all-zero block has d = 0). A value stands for q · d, within d / 2 of x.
/// <para>Layout (what <see cref="ITensorBackend.GemmQ8"/> reads): quants row-major [rows, <see cref="PaddedLength"/>(k)]
/// — when k is not a multiple of 32 each row's last block is padded with zero quants, so every row starts on a
/// block — and scales row-major [rows, <see cref="BlocksPerRow"/>(k)]. ggml interleaves a float16 scale with each
/// block (34 bytes per 32 values); here the scales are a separate float32 array (36 bytes per 32 values: 132 MB
/// per token for GPT-2 small's linear layers instead of 498 MB in float32).</para>
/// Rounding is to nearest, ties to even, of x · (1 / d), as ggml's reference quantizer multiplies by 1 / d.
/// </summary>
public static class Q8Blocks
{
    /// <summary>Values per block, each block with its own scale.</summary>
    public const int BlockSize = 32;

    /// <summary>Blocks per row of length <paramref name="k"/> (the last one partial when k is not a multiple of 32).</summary>
    public static int BlocksPerRow(int k) => (k + BlockSize - 1) / BlockSize;

    /// <summary>Quants stored per row: whole blocks, <c>BlocksPerRow(k) · 32</c>.</summary>
    public static int PaddedLength(int k) => BlocksPerRow(k) * BlockSize;

    /// <summary>
    /// Quantizes <paramref name="x"/> [rows, k] into <paramref name="quants"/> [rows, PaddedLength(k)] and
    /// <paramref name="scales"/> [rows, BlocksPerRow(k)].
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short, or a value is not finite (its block could not be scaled).</exception>
    public static void Quantize(ReadOnlySpan<float> x, int rows, int k, Span<sbyte> quants, Span<float> scales)
    {
        Check(x.Length, rows, k, quants.Length, scales.Length, nameof(x));
        int padded = PaddedLength(k), blocks = BlocksPerRow(k);
        for (int r = 0; r < rows; r++)
            for (int b = 0; b < blocks; b++)
            {
                int start = b * BlockSize, length = Math.Min(BlockSize, k - start);
                float d = QuantizeBlock(x.Slice(r * k + start, length), quants.Slice(r * padded + start, BlockSize));
                if (!float.IsFinite(d))
                    throw new ArgumentException($"Q8Blocks: row {r}, block {b} holds a value that is not finite; only finite values quantize.", nameof(x));
                scales[r * blocks + b] = d;
            }
    }

    /// <summary>
    /// Quantizes up to 32 values into 32 quants (the ones past <paramref name="x"/>'s length are 0) and returns the
    /// block's scale d = max|x| / 127 (not finite when a value is not: the block's products are then NaN, as a float product's would be).
    /// </summary>
    public static float QuantizeBlock(ReadOnlySpan<float> x, Span<sbyte> quants)
    {
        float max = 0;
        foreach (float v in x) max = MathF.Max(max, MathF.Abs(v));
        float d = max / 127f, inverse = d != 0 ? 1f / d : 0f;
        for (int i = 0; i < x.Length; i++) quants[i] = (sbyte)MathF.Round(x[i] * inverse);
        quants[x.Length..BlockSize].Clear();
        return d;
    }

    /// <summary>The values <paramref name="quants"/> and <paramref name="scales"/> stand for, q · d, into <paramref name="x"/> [rows, k].</summary>
    public static void Dequantize(ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, int rows, int k, Span<float> x)
    {
        Check(x.Length, rows, k, quants.Length, scales.Length, nameof(x));
        int padded = PaddedLength(k), blocks = BlocksPerRow(k);
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < k; p++)
                x[r * k + p] = quants[r * padded + p] * scales[r * blocks + p / BlockSize];
    }

    static void Check(int values, int rows, int k, int quants, int scales, string valuesName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (values < (long)rows * k)
            throw new ArgumentException($"Q8Blocks: {valuesName} has {values} values for [{rows}, {k}].", valuesName);
        if (quants < (long)rows * PaddedLength(k))
            throw new ArgumentException($"Q8Blocks: quants has {quants} values for [{rows}, {PaddedLength(k)}] (k = {k} in blocks of {BlockSize}).", nameof(quants));
        if (scales < (long)rows * BlocksPerRow(k))
            throw new ArgumentException($"Q8Blocks: scales has {scales} values for [{rows}, {BlocksPerRow(k)}].", nameof(scales));
    }
}
