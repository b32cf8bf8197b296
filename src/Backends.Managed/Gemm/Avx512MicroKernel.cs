using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// AVX-512 micro-kernel: an 8 × 48 tile of C held in 24 zmm registers (of 32). Each k step loads
/// three B vectors and issues 24 FMAs whose A operand is an embedded broadcast from the packed
/// sliver, so the loop is bound by the two FMA pipes rather than by loads. Narrower 8 × 32 and
/// 8 × 16 variants finish the last columns of a row (n = 64 runs as 48 + 16, not 48 + 48).
/// </summary>
/// <remarks>
/// Blocking for AMD Zen 4/5 (L1d 32–48 KiB, L2 1 MiB per core): the A sliver (8 × KC = 8 KiB)
/// stays in L1 while B slivers stream from a KC × NB block (KC · NB · 4 = 480 KiB) kept in L2.
/// </remarks>
[SkipLocalsInit]
internal readonly unsafe partial struct Avx512MicroKernel : IGemmMicroKernel
{
    public static int MR => 8;
    public static int NR => 48;
    public static int KC => 256;
    public static int MC => 768;
    public static int NB => 480;

    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        if (nr > 32)
            Tile8x48(kc, a, b, c, ldc, alpha, beta, mr, nr);
        else if (nr > 16)
            Tile8x32(kc, a, b, c, ldc, alpha, beta, mr, nr);
        else
            Tile8x16(kc, a, b, c, ldc, alpha, beta, mr, nr);
    }

    /// <summary>c = alpha · acc + beta · c, rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Update(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta) =>
        Vector512.Store(Avx512F.FusedMultiplyAdd(acc, alpha, Vector512.Load(c) * beta), c);

    /// <summary>8 × 48 tile: 24 zmm accumulators, B sliver read with stride NR = 48.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile8x48(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default;
        Vector512<float> c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a4, b2, c42);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a5, b2, c52);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            c62 = Avx512F.FusedMultiplyAdd(a6, b2, c62);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            c72 = Avx512F.FusedMultiplyAdd(a7, b2, c72);
            a += 8;
            b += 48;
        }

        if (mr == 8 && nr == 48)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0f)
            {
                float* c0 = c;
                Vector512.Store(c00 * va, c0 + 0);
                Vector512.Store(c01 * va, c0 + 16);
                Vector512.Store(c02 * va, c0 + 32);
                float* c1 = c + 1 * (nint)ldc;
                Vector512.Store(c10 * va, c1 + 0);
                Vector512.Store(c11 * va, c1 + 16);
                Vector512.Store(c12 * va, c1 + 32);
                float* c2 = c + 2 * (nint)ldc;
                Vector512.Store(c20 * va, c2 + 0);
                Vector512.Store(c21 * va, c2 + 16);
                Vector512.Store(c22 * va, c2 + 32);
                float* c3 = c + 3 * (nint)ldc;
                Vector512.Store(c30 * va, c3 + 0);
                Vector512.Store(c31 * va, c3 + 16);
                Vector512.Store(c32 * va, c3 + 32);
                float* c4 = c + 4 * (nint)ldc;
                Vector512.Store(c40 * va, c4 + 0);
                Vector512.Store(c41 * va, c4 + 16);
                Vector512.Store(c42 * va, c4 + 32);
                float* c5 = c + 5 * (nint)ldc;
                Vector512.Store(c50 * va, c5 + 0);
                Vector512.Store(c51 * va, c5 + 16);
                Vector512.Store(c52 * va, c5 + 32);
                float* c6 = c + 6 * (nint)ldc;
                Vector512.Store(c60 * va, c6 + 0);
                Vector512.Store(c61 * va, c6 + 16);
                Vector512.Store(c62 * va, c6 + 32);
                float* c7 = c + 7 * (nint)ldc;
                Vector512.Store(c70 * va, c7 + 0);
                Vector512.Store(c71 * va, c7 + 16);
                Vector512.Store(c72 * va, c7 + 32);
            }
            else
            {
                var vb = Vector512.Create(beta);
                float* c0 = c;
                Update(c0 + 0, c00, va, vb);
                Update(c0 + 16, c01, va, vb);
                Update(c0 + 32, c02, va, vb);
                float* c1 = c + 1 * (nint)ldc;
                Update(c1 + 0, c10, va, vb);
                Update(c1 + 16, c11, va, vb);
                Update(c1 + 32, c12, va, vb);
                float* c2 = c + 2 * (nint)ldc;
                Update(c2 + 0, c20, va, vb);
                Update(c2 + 16, c21, va, vb);
                Update(c2 + 32, c22, va, vb);
                float* c3 = c + 3 * (nint)ldc;
                Update(c3 + 0, c30, va, vb);
                Update(c3 + 16, c31, va, vb);
                Update(c3 + 32, c32, va, vb);
                float* c4 = c + 4 * (nint)ldc;
                Update(c4 + 0, c40, va, vb);
                Update(c4 + 16, c41, va, vb);
                Update(c4 + 32, c42, va, vb);
                float* c5 = c + 5 * (nint)ldc;
                Update(c5 + 0, c50, va, vb);
                Update(c5 + 16, c51, va, vb);
                Update(c5 + 32, c52, va, vb);
                float* c6 = c + 6 * (nint)ldc;
                Update(c6 + 0, c60, va, vb);
                Update(c6 + 16, c61, va, vb);
                Update(c6 + 32, c62, va, vb);
                float* c7 = c + 7 * (nint)ldc;
                Update(c7 + 0, c70, va, vb);
                Update(c7 + 16, c71, va, vb);
                Update(c7 + 32, c72, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[8 * 48];
            Vector512.Store(c00, t + 0);
            Vector512.Store(c01, t + 16);
            Vector512.Store(c02, t + 32);
            Vector512.Store(c10, t + 48);
            Vector512.Store(c11, t + 64);
            Vector512.Store(c12, t + 80);
            Vector512.Store(c20, t + 96);
            Vector512.Store(c21, t + 112);
            Vector512.Store(c22, t + 128);
            Vector512.Store(c30, t + 144);
            Vector512.Store(c31, t + 160);
            Vector512.Store(c32, t + 176);
            Vector512.Store(c40, t + 192);
            Vector512.Store(c41, t + 208);
            Vector512.Store(c42, t + 224);
            Vector512.Store(c50, t + 240);
            Vector512.Store(c51, t + 256);
            Vector512.Store(c52, t + 272);
            Vector512.Store(c60, t + 288);
            Vector512.Store(c61, t + 304);
            Vector512.Store(c62, t + 320);
            Vector512.Store(c70, t + 336);
            Vector512.Store(c71, t + 352);
            Vector512.Store(c72, t + 368);
            MicroKernelEdges.Store(t, 48, c, ldc, alpha, beta, mr, nr);
        }
    }
}
