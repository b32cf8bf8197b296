using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// A's rows quantized as B's (<see cref="Q8Blocks"/>) for the int8 dot of <see cref="Q8Gemm"/>: quants q [m, padded]
/// (a partial last block padded with zeros) and scales d [m, blocks]. The AVX2 form gives the very values of
/// <see cref="Q8Blocks.QuantizeBlock"/> (the same max, d = max / 127, x · (1 / d) rounded to nearest even), so
/// every kernel of <see cref="Q8Gemm"/> multiplies the same integers.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Q8Activations
{
    /// <summary>Quantizes a [m, k] into <paramref name="q"/> [m, PaddedLength(k)] and <paramref name="d"/> [m, BlocksPerRow(k)].</summary>
    public static void Quantize(float* a, int m, int k, sbyte* q, float* d, bool simd)
    {
        int padded = Q8Blocks.PaddedLength(k), blocks = Q8Blocks.BlocksPerRow(k), whole = k / Q8Blocks.BlockSize;
        for (int v = 0; v < m; v++)
        {
            float* row = a + (nint)v * k;
            sbyte* qv = q + (nint)v * padded;
            float* dv = d + (nint)v * blocks;
            int b = 0;
            if (simd && Avx2.IsSupported)
                for (; b < whole; b++)
                    dv[b] = Block(row + b * Q8Blocks.BlockSize, qv + b * Q8Blocks.BlockSize);
            for (; b < blocks; b++)
            {
                int start = b * Q8Blocks.BlockSize;
                dv[b] = Q8Blocks.QuantizeBlock(new ReadOnlySpan<float>(row + start, Math.Min(Q8Blocks.BlockSize, k - start)),
                    new Span<sbyte>(qv + start, Q8Blocks.BlockSize));
            }
        }
    }

    /// <summary>32 floats to 32 int8 quants; returns the scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Block(float* x, sbyte* q)
    {
        var signBit = Vector256.Create(-0f);
        var x0 = Avx.LoadVector256(x);
        var x1 = Avx.LoadVector256(x + 8);
        var x2 = Avx.LoadVector256(x + 16);
        var x3 = Avx.LoadVector256(x + 24);
        var max = Avx.Max(Avx.Max(Avx.AndNot(signBit, x0), Avx.AndNot(signBit, x1)),
                          Avx.Max(Avx.AndNot(signBit, x2), Avx.AndNot(signBit, x3)));
        var half = Sse.Max(max.GetLower(), max.GetUpper());
        float amax = MathF.Max(MathF.Max(half.GetElement(0), half.GetElement(1)), MathF.Max(half.GetElement(2), half.GetElement(3)));
        float d = amax / 127f, inverse = d != 0 ? 1f / d : 0f;
        var s = Vector256.Create(inverse);
        // x · (1 / d), rounded to nearest even (|·| ≤ 127, exact in int32), then packed 32 → 16 → 8 bits; the packs
        // interleave the two 128-bit lanes, and the permutation puts the four groups of four back in order.
        var i0 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Avx.Multiply(x0, s)));
        var i1 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Avx.Multiply(x1, s)));
        var i2 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Avx.Multiply(x2, s)));
        var i3 = Avx.ConvertToVector256Int32(Avx.RoundToNearestInteger(Avx.Multiply(x3, s)));
        var packed = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
        Avx.Store(q, Avx2.PermuteVar8x32(packed.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte());
        return d;
    }
}
