using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// C[i, r] = Σ_p A[i, p] · q[r, p] · d[r, p / 32] for a prompt's float rows of A (m &gt; 4) and rows of B in 8-bit
/// blocks (<see cref="Q8Blocks"/>): each weight is dequantized in a register (sign-extended, converted, times its
/// block's scale: the very float <see cref="Q8Blocks.Dequantize"/> writes) and multiplied in float32, so the result is
/// the float product with the dequantized weights, without writing them out or packing them. Tiles of 4 rows of A ×
/// 4 rows of B, 16 accumulators of 16 floats (AVX-512); the four rows of B stay in L1 while A's rows pass over them.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Q8FloatRows
{
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Fma.IsSupported;

    /// <summary>C[i, r] for every row i &lt; m of A [m, k] and rows r0 .. r1 of B; C is [m, n].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows(float* a, int m, int k, sbyte* qb, float* db, int r0, int r1, float* c, int n)
    {
        int blocks = Q8Blocks.BlocksPerRow(k);
        nint padded = (nint)blocks * Q8Blocks.BlockSize;
        int r = r0;
        for (; r + 4 <= r1; r += 4)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
                Tile4x4(a + (nint)i * k, k, qb + r * padded, padded, db + (nint)r * blocks, blocks, c + (nint)i * n + r, n);
            for (; i < m; i++)
                for (int j = r; j < r + 4; j++)
                    c[(nint)i * n + j] = Dot(a + (nint)i * k, qb + j * padded, db + (nint)j * blocks, k);
        }
        for (; r < r1; r++)
            for (int i = 0; i < m; i++)
                c[(nint)i * n + r] = Dot(a + (nint)i * k, qb + r * padded, db + (nint)r * blocks, k);
    }

    /// <summary>Four rows of A × four rows of B (quants <paramref name="q"/>, scales <paramref name="d"/>) into C's 4 × 4 corner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile4x4(float* a, int k, sbyte* q, nint padded, float* d, int blocks, float* c, int n)
    {
        float* a0 = a, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        sbyte* q0 = q, q1 = q0 + padded, q2 = q1 + padded, q3 = q2 + padded;
        float* d0 = d, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        Vector512<float> c00 = Vector512<float>.Zero, c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        Vector512<float> c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            int b = p >> 5;
            var w0 = Widen(q0 + p, d0[b]);
            var w1 = Widen(q1 + p, d1[b]);
            var w2 = Widen(q2 + p, d2[b]);
            var w3 = Widen(q3 + p, d3[b]);
            var x = Vector512.Load(a0 + p);
            c00 = Avx512F.FusedMultiplyAdd(x, w0, c00); c01 = Avx512F.FusedMultiplyAdd(x, w1, c01);
            c02 = Avx512F.FusedMultiplyAdd(x, w2, c02); c03 = Avx512F.FusedMultiplyAdd(x, w3, c03);
            x = Vector512.Load(a1 + p);
            c10 = Avx512F.FusedMultiplyAdd(x, w0, c10); c11 = Avx512F.FusedMultiplyAdd(x, w1, c11);
            c12 = Avx512F.FusedMultiplyAdd(x, w2, c12); c13 = Avx512F.FusedMultiplyAdd(x, w3, c13);
            x = Vector512.Load(a2 + p);
            c20 = Avx512F.FusedMultiplyAdd(x, w0, c20); c21 = Avx512F.FusedMultiplyAdd(x, w1, c21);
            c22 = Avx512F.FusedMultiplyAdd(x, w2, c22); c23 = Avx512F.FusedMultiplyAdd(x, w3, c23);
            x = Vector512.Load(a3 + p);
            c30 = Avx512F.FusedMultiplyAdd(x, w0, c30); c31 = Avx512F.FusedMultiplyAdd(x, w1, c31);
            c32 = Avx512F.FusedMultiplyAdd(x, w2, c32); c33 = Avx512F.FusedMultiplyAdd(x, w3, c33);
        }
        Store(c, p, k, a0, q0, q1, q2, q3, d0, d1, d2, d3, c00, c01, c02, c03);
        Store(c + n, p, k, a1, q0, q1, q2, q3, d0, d1, d2, d3, c10, c11, c12, c13);
        Store(c + 2 * n, p, k, a2, q0, q1, q2, q3, d0, d1, d2, d3, c20, c21, c22, c23);
        Store(c + 3 * n, p, k, a3, q0, q1, q2, q3, d0, d1, d2, d3, c30, c31, c32, c33);
    }

    /// <summary>One row of C's corner: the accumulators' sums plus the k tail past the last 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, int p, int k, float* x, sbyte* q0, sbyte* q1, sbyte* q2, sbyte* q3, float* d0, float* d1, float* d2, float* d3,
        Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        c[0] = Vector512.Sum(s0) + Tail(x, q0, d0, p, k);
        c[1] = Vector512.Sum(s1) + Tail(x, q1, d1, p, k);
        c[2] = Vector512.Sum(s2) + Tail(x, q2, d2, p, k);
        c[3] = Vector512.Sum(s3) + Tail(x, q3, d3, p, k);
    }

    /// <summary>16 quants from <paramref name="q"/> as floats times their block's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Widen(sbyte* q, float scale) =>
        Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(q))), Vector512.Create(scale));

    /// <summary>Σ x[p] · q[p] · d[p / 32] from <paramref name="p"/> to k.</summary>
    static float Tail(float* x, sbyte* q, float* d, int p, int k)
    {
        float sum = 0;
        for (; p < k; p++) sum += x[p] * (q[p] * d[p >> 5]);
        return sum;
    }

    /// <summary>One row of A times one row of B.</summary>
    static float Dot(float* x, sbyte* q, float* d, int k)
    {
        var s = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= k; p += 16)
            s = Avx512F.FusedMultiplyAdd(Vector512.Load(x + p), Widen(q + p, d[p >> 5]), s);
        return Vector512.Sum(s) + Tail(x, q, d, p, k);
    }
}
