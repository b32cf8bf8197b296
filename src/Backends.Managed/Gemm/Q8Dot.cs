using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>The int8 dot products <see cref="Q8Gemm"/> can use, best first.</summary>
internal enum Q8Isa
{
    /// <summary>AVX-VNNI <c>vpdpbusd</c> (u8 × s8, four products summed into each int32, 256-bit).</summary>
    Vnni,

    /// <summary>AVX2 <c>vpmaddubsw</c> (u8 × s8, pairs summed into int16) then <c>vpmaddwd</c> (pairs into int32).</summary>
    Avx2,

    /// <summary>Plain C#: the reference.</summary>
    Scalar,
}

/// <summary>
/// out(v, r) = Σ_blocks d_A(v, b) · d_B(r, b) · Σ_{32} q_A · q_B over int8 blocks (<see cref="Q8Blocks"/>), four rows
/// of B per pass sharing the loads of A's block (the rows stay in L1 across A's rows). A block's 32 products are
/// summed in integers, exactly, with ggml's sign trick: u8 × s8 instructions take |q_A| as the unsigned operand
/// and q_B · sign(q_A) (<c>vpsignb</c>) as the signed one (|q| ≤ 127, so neither overflows). Then the eight int32
/// lanes are converted to floats and added, times d_A · d_B, into one float accumulator per row of B.
/// Both SIMD forms sum each int32 lane over the same four products, so they give the same floats.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Q8Dot
{
    /// <summary>The fastest form this CPU runs.</summary>
    public static readonly Q8Isa Best = AvxVnni.IsSupported && Fma.IsSupported ? Q8Isa.Vnni
        : Avx2.IsSupported && Fma.IsSupported ? Q8Isa.Avx2 : Q8Isa.Scalar;

    public static bool IsSupported(this Q8Isa isa) => isa switch
    {
        Q8Isa.Vnni => AvxVnni.IsSupported && Fma.IsSupported,
        Q8Isa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>
    /// C[v, r] for A's m quantized rows (<paramref name="qa"/> [m, padded], <paramref name="da"/> [m, blocks]) and
    /// rows r0 .. r1 of B (<paramref name="qb"/> [n, padded], <paramref name="db"/> [n, blocks]); C is [m, n].
    /// </summary>
    public static void Rows(Q8Isa isa, sbyte* qa, float* da, int m, sbyte* qb, float* db, int r0, int r1, int blocks, float* c, int n)
    {
        if (isa == Q8Isa.Vnni) Rows<VnniDot>(qa, da, m, qb, db, r0, r1, blocks, c, n);
        else if (isa == Q8Isa.Avx2) Rows<Avx2Dot>(qa, da, m, qb, db, r0, r1, blocks, c, n);
        else RowsScalar(qa, da, m, qb, db, r0, r1, blocks, c, n);
    }

    /// <summary>One block's 32 products |q_A| · (q_B · sign q_A), summed four at a time into eight int32 lanes.</summary>
    interface IBlockDot
    {
        static abstract Vector256<int> Dot(Vector256<byte> absA, Vector256<sbyte> signedB);
    }

    readonly struct VnniDot : IBlockDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<byte> absA, Vector256<sbyte> signedB) =>
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, absA, signedB);
    }

    readonly struct Avx2Dot : IBlockDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<byte> absA, Vector256<sbyte> signedB) =>
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(absA, signedB), Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Rows<TDot>(sbyte* qa, float* da, int m, sbyte* qb, float* db, int r0, int r1, int blocks, float* c, int n)
        where TDot : struct, IBlockDot
    {
        const int B = Q8Blocks.BlockSize;
        nint padded = (nint)blocks * B;
        int r = r0;
        for (; r + 4 <= r1; r += 4)
        {
            sbyte* w0 = qb + r * padded, w1 = w0 + padded, w2 = w1 + padded, w3 = w2 + padded;
            float* s0 = db + (nint)r * blocks, s1 = s0 + blocks, s2 = s1 + blocks, s3 = s2 + blocks;
            for (int v = 0; v < m; v++)
            {
                sbyte* x = qa + v * padded;
                float* dx = da + (nint)v * blocks;
                Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (int b = 0; b < blocks; b++)
                {
                    nint p = (nint)b * B;
                    // Four rows stream half a cache line each per block: too few reads in flight for the hardware
                    // prefetcher alone, so the first pass asks for the next four rows' line ahead (as Bf16Gemm).
                    if (v == 0 && (b & 1) == 0)
                    {
                        sbyte* next = w3 + padded + p;
                        Sse.Prefetch0(next);
                        Sse.Prefetch0(next + padded);
                        Sse.Prefetch0(next + 2 * padded);
                        Sse.Prefetch0(next + 3 * padded);
                    }
                    var xa = Avx.LoadVector256(x + p);
                    var absA = Avx2.Abs(xa);
                    var i0 = TDot.Dot(absA, Avx2.Sign(Avx.LoadVector256(w0 + p), xa));
                    var i1 = TDot.Dot(absA, Avx2.Sign(Avx.LoadVector256(w1 + p), xa));
                    var i2 = TDot.Dot(absA, Avx2.Sign(Avx.LoadVector256(w2 + p), xa));
                    var i3 = TDot.Dot(absA, Avx2.Sign(Avx.LoadVector256(w3 + p), xa));
                    // (isum · d_A) · d_B: d_A broadcast once for the four rows, each d_B broadcast straight from memory
                    var d = Vector256.Create(dx[b]);
                    acc0 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(i0), d), Vector256.Create(s0[b]), acc0);
                    acc1 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(i1), d), Vector256.Create(s1[b]), acc1);
                    acc2 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(i2), d), Vector256.Create(s2[b]), acc2);
                    acc3 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(i3), d), Vector256.Create(s3[b]), acc3);
                }
                float* cv = c + (nint)v * n + r;
                cv[0] = Vector256.Sum(acc0);
                cv[1] = Vector256.Sum(acc1);
                cv[2] = Vector256.Sum(acc2);
                cv[3] = Vector256.Sum(acc3);
            }
        }
        for (; r < r1; r++)
        {
            sbyte* w = qb + r * padded;
            float* s = db + (nint)r * blocks;
            for (int v = 0; v < m; v++)
            {
                sbyte* x = qa + v * padded;
                float* dx = da + (nint)v * blocks;
                var acc = Vector256<float>.Zero;
                for (int b = 0; b < blocks; b++)
                {
                    nint p = (nint)b * B;
                    var xa = Avx.LoadVector256(x + p);
                    var i = TDot.Dot(Avx2.Abs(xa), Avx2.Sign(Avx.LoadVector256(w + p), xa));
                    acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i), Vector256.Create(dx[b] * s[b]), acc);
                }
                c[(nint)v * n + r] = Vector256.Sum(acc);
            }
        }
    }

    /// <summary>The reference: each block's integer sum, times d_A · d_B, added in float.</summary>
    static void RowsScalar(sbyte* qa, float* da, int m, sbyte* qb, float* db, int r0, int r1, int blocks, float* c, int n)
    {
        const int B = Q8Blocks.BlockSize;
        nint padded = (nint)blocks * B;
        for (int r = r0; r < r1; r++)
            for (int v = 0; v < m; v++)
            {
                float sum = 0;
                for (int b = 0; b < blocks; b++)
                {
                    int dot = 0;
                    sbyte* x = qa + v * padded + b * B, w = qb + r * padded + b * B;
                    for (int p = 0; p < B; p++) dot += x[p] * w[p];
                    sum += da[(nint)v * blocks + b] * db[(nint)r * blocks + b] * dot;
                }
                c[(nint)v * n + r] = sum;
            }
    }
}
