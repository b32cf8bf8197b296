namespace LlmForge.Backends;

/// <summary>
/// bfloat16: the upper 16 bits of a float32 (sign, the same 8-bit exponent, 7 bits of mantissa), so it keeps
/// float32's range and about 3 significant digits. Weights stored this way take half the bytes; a
/// memory-bound product (one token through a linear layer) reads them twice as fast, and widening one back to
/// float32 is a 16-bit shift. Conversion rounds to nearest, ties to even, as <c>torch.Tensor.bfloat16()</c> does.
/// </summary>
public static class BFloat16
{
    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even; past the largest, infinity); NaN → 0x7FC0, as c10::BFloat16.</summary>
    public static ushort FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return 0x7FC0;
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);          // half of the dropped part, +1 when the kept part is odd
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>The float32 a bfloat16 stands for (exact).</summary>
    public static float ToFloat(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Rounds every value of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void FromFloat(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"BFloat16: destination has {destination.Length} values for {source.Length}.", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = FromFloat(source[i]);
    }

    /// <summary>Widens every value of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void ToFloat(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"BFloat16: destination has {destination.Length} values for {source.Length}.", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = ToFloat(source[i]);
    }
}
