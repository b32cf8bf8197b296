using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// AVX2 + FMA micro-kernel for CPUs without AVX-512: a 6 × 16 tile of C in 12 of the 16 ymm
/// registers (the classic Haswell shape), leaving room for two B vectors and one broadcast.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx2MicroKernel : IGemmMicroKernel
{
    public static int MR => 6;
    public static int NR => 16;
    public static int KC => 256;
    public static int MC => 768;
    public static int NB => 512;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>c = alpha · acc + beta · c, rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Update(float* c, Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta) =>
        Avx.Store(c, Fma.MultiplyAdd(acc, alpha, Avx.Multiply(Avx.LoadVector256(c), beta)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadVector256(b + 0);
            var b1 = Avx.LoadVector256(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }

        if (mr == 6 && nr == 16)
        {
            var va = Vector256.Create(alpha);
            if (beta == 0f)
            {
                float* c0 = c;
                Avx.Store(c0 + 0, Avx.Multiply(c00, va));
                Avx.Store(c0 + 8, Avx.Multiply(c01, va));
                float* c1 = c + 1 * (nint)ldc;
                Avx.Store(c1 + 0, Avx.Multiply(c10, va));
                Avx.Store(c1 + 8, Avx.Multiply(c11, va));
                float* c2 = c + 2 * (nint)ldc;
                Avx.Store(c2 + 0, Avx.Multiply(c20, va));
                Avx.Store(c2 + 8, Avx.Multiply(c21, va));
                float* c3 = c + 3 * (nint)ldc;
                Avx.Store(c3 + 0, Avx.Multiply(c30, va));
                Avx.Store(c3 + 8, Avx.Multiply(c31, va));
                float* c4 = c + 4 * (nint)ldc;
                Avx.Store(c4 + 0, Avx.Multiply(c40, va));
                Avx.Store(c4 + 8, Avx.Multiply(c41, va));
                float* c5 = c + 5 * (nint)ldc;
                Avx.Store(c5 + 0, Avx.Multiply(c50, va));
                Avx.Store(c5 + 8, Avx.Multiply(c51, va));
            }
            else
            {
                var vb = Vector256.Create(beta);
                float* c0 = c;
                Update(c0 + 0, c00, va, vb);
                Update(c0 + 8, c01, va, vb);
                float* c1 = c + 1 * (nint)ldc;
                Update(c1 + 0, c10, va, vb);
                Update(c1 + 8, c11, va, vb);
                float* c2 = c + 2 * (nint)ldc;
                Update(c2 + 0, c20, va, vb);
                Update(c2 + 8, c21, va, vb);
                float* c3 = c + 3 * (nint)ldc;
                Update(c3 + 0, c30, va, vb);
                Update(c3 + 8, c31, va, vb);
                float* c4 = c + 4 * (nint)ldc;
                Update(c4 + 0, c40, va, vb);
                Update(c4 + 8, c41, va, vb);
                float* c5 = c + 5 * (nint)ldc;
                Update(c5 + 0, c50, va, vb);
                Update(c5 + 8, c51, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[6 * 16];
            Avx.Store(t + 0, c00);
            Avx.Store(t + 8, c01);
            Avx.Store(t + 16, c10);
            Avx.Store(t + 24, c11);
            Avx.Store(t + 32, c20);
            Avx.Store(t + 40, c21);
            Avx.Store(t + 48, c30);
            Avx.Store(t + 56, c31);
            Avx.Store(t + 64, c40);
            Avx.Store(t + 72, c41);
            Avx.Store(t + 80, c50);
            Avx.Store(t + 88, c51);
            MicroKernelEdges.Store(t, 16, c, ldc, alpha, beta, mr, nr);
        }
    }
}
