using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// The narrow AVX-512 tiles for the last 32 or 16 columns of a row of C: they read the same
/// 48-wide packed B sliver (zero-padded) but issue only the FMAs whose columns exist.
/// </summary>
internal readonly unsafe partial struct Avx512MicroKernel
{
    /// <summary>8 × 32 tile: 16 zmm accumulators, B sliver read with stride NR = 48.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile8x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 48;
        }

        if (mr == 8 && nr == 32)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0f)
            {
                float* c0 = c;
                Vector512.Store(c00 * va, c0 + 0);
                Vector512.Store(c01 * va, c0 + 16);
                float* c1 = c + 1 * (nint)ldc;
                Vector512.Store(c10 * va, c1 + 0);
                Vector512.Store(c11 * va, c1 + 16);
                float* c2 = c + 2 * (nint)ldc;
                Vector512.Store(c20 * va, c2 + 0);
                Vector512.Store(c21 * va, c2 + 16);
                float* c3 = c + 3 * (nint)ldc;
                Vector512.Store(c30 * va, c3 + 0);
                Vector512.Store(c31 * va, c3 + 16);
                float* c4 = c + 4 * (nint)ldc;
                Vector512.Store(c40 * va, c4 + 0);
                Vector512.Store(c41 * va, c4 + 16);
                float* c5 = c + 5 * (nint)ldc;
                Vector512.Store(c50 * va, c5 + 0);
                Vector512.Store(c51 * va, c5 + 16);
                float* c6 = c + 6 * (nint)ldc;
                Vector512.Store(c60 * va, c6 + 0);
                Vector512.Store(c61 * va, c6 + 16);
                float* c7 = c + 7 * (nint)ldc;
                Vector512.Store(c70 * va, c7 + 0);
                Vector512.Store(c71 * va, c7 + 16);
            }
            else
            {
                var vb = Vector512.Create(beta);
                float* c0 = c;
                Update(c0 + 0, c00, va, vb);
                Update(c0 + 16, c01, va, vb);
                float* c1 = c + 1 * (nint)ldc;
                Update(c1 + 0, c10, va, vb);
                Update(c1 + 16, c11, va, vb);
                float* c2 = c + 2 * (nint)ldc;
                Update(c2 + 0, c20, va, vb);
                Update(c2 + 16, c21, va, vb);
                float* c3 = c + 3 * (nint)ldc;
                Update(c3 + 0, c30, va, vb);
                Update(c3 + 16, c31, va, vb);
                float* c4 = c + 4 * (nint)ldc;
                Update(c4 + 0, c40, va, vb);
                Update(c4 + 16, c41, va, vb);
                float* c5 = c + 5 * (nint)ldc;
                Update(c5 + 0, c50, va, vb);
                Update(c5 + 16, c51, va, vb);
                float* c6 = c + 6 * (nint)ldc;
                Update(c6 + 0, c60, va, vb);
                Update(c6 + 16, c61, va, vb);
                float* c7 = c + 7 * (nint)ldc;
                Update(c7 + 0, c70, va, vb);
                Update(c7 + 16, c71, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[8 * 32];
            Vector512.Store(c00, t + 0);
            Vector512.Store(c01, t + 16);
            Vector512.Store(c10, t + 32);
            Vector512.Store(c11, t + 48);
            Vector512.Store(c20, t + 64);
            Vector512.Store(c21, t + 80);
            Vector512.Store(c30, t + 96);
            Vector512.Store(c31, t + 112);
            Vector512.Store(c40, t + 128);
            Vector512.Store(c41, t + 144);
            Vector512.Store(c50, t + 160);
            Vector512.Store(c51, t + 176);
            Vector512.Store(c60, t + 192);
            Vector512.Store(c61, t + 208);
            Vector512.Store(c70, t + 224);
            Vector512.Store(c71, t + 240);
            MicroKernelEdges.Store(t, 32, c, ldc, alpha, beta, mr, nr);
        }
    }

    /// <summary>8 × 16 tile: 8 zmm accumulators, B sliver read with stride NR = 48.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile8x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default;
        Vector512<float> c10 = default;
        Vector512<float> c20 = default;
        Vector512<float> c30 = default;
        Vector512<float> c40 = default;
        Vector512<float> c50 = default;
        Vector512<float> c60 = default;
        Vector512<float> c70 = default;
        Vector512<float> d0 = default;
        Vector512<float> d1 = default;
        Vector512<float> d2 = default;
        Vector512<float> d3 = default;
        Vector512<float> d4 = default;
        Vector512<float> d5 = default;
        Vector512<float> d6 = default;
        Vector512<float> d7 = default;
        // 8 accumulators alone would wait on FMA latency: odd k steps go to a second set.
        int p = 0;
        for (; p + 1 < kc; p += 2)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 48);
            c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c00);
            d0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), b1, d0);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c10);
            d1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), b1, d1);
            c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c20);
            d2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), b1, d2);
            c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c30);
            d3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), b1, d3);
            c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c40);
            d4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[12]), b1, d4);
            c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c50);
            d5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[13]), b1, d5);
            c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c60);
            d6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[14]), b1, d6);
            c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c70);
            d7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[15]), b1, d7);
            a += 16;
            b += 96;
        }
        if (p < kc)
        {
            var b0 = Vector512.Load(b);
            c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c00);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c10);
            c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c20);
            c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c30);
            c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c40);
            c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c50);
            c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c60);
            c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c70);
        }
        c00 += d0;
        c10 += d1;
        c20 += d2;
        c30 += d3;
        c40 += d4;
        c50 += d5;
        c60 += d6;
        c70 += d7;

        if (mr == 8 && nr == 16)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0f)
            {
                float* c0 = c;
                Vector512.Store(c00 * va, c0 + 0);
                float* c1 = c + 1 * (nint)ldc;
                Vector512.Store(c10 * va, c1 + 0);
                float* c2 = c + 2 * (nint)ldc;
                Vector512.Store(c20 * va, c2 + 0);
                float* c3 = c + 3 * (nint)ldc;
                Vector512.Store(c30 * va, c3 + 0);
                float* c4 = c + 4 * (nint)ldc;
                Vector512.Store(c40 * va, c4 + 0);
                float* c5 = c + 5 * (nint)ldc;
                Vector512.Store(c50 * va, c5 + 0);
                float* c6 = c + 6 * (nint)ldc;
                Vector512.Store(c60 * va, c6 + 0);
                float* c7 = c + 7 * (nint)ldc;
                Vector512.Store(c70 * va, c7 + 0);
            }
            else
            {
                var vb = Vector512.Create(beta);
                float* c0 = c;
                Update(c0 + 0, c00, va, vb);
                float* c1 = c + 1 * (nint)ldc;
                Update(c1 + 0, c10, va, vb);
                float* c2 = c + 2 * (nint)ldc;
                Update(c2 + 0, c20, va, vb);
                float* c3 = c + 3 * (nint)ldc;
                Update(c3 + 0, c30, va, vb);
                float* c4 = c + 4 * (nint)ldc;
                Update(c4 + 0, c40, va, vb);
                float* c5 = c + 5 * (nint)ldc;
                Update(c5 + 0, c50, va, vb);
                float* c6 = c + 6 * (nint)ldc;
                Update(c6 + 0, c60, va, vb);
                float* c7 = c + 7 * (nint)ldc;
                Update(c7 + 0, c70, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[8 * 16];
            Vector512.Store(c00, t + 0);
            Vector512.Store(c10, t + 16);
            Vector512.Store(c20, t + 32);
            Vector512.Store(c30, t + 48);
            Vector512.Store(c40, t + 64);
            Vector512.Store(c50, t + 80);
            Vector512.Store(c60, t + 96);
            Vector512.Store(c70, t + 112);
            MicroKernelEdges.Store(t, 16, c, ldc, alpha, beta, mr, nr);
        }
    }
}
