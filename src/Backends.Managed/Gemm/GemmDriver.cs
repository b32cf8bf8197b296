using System.Runtime.CompilerServices;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// The GotoBLAS/BLIS loop nest around a micro-kernel, for one thread's share of C.
/// </summary>
/// <remarks>
/// Loops, outermost first: pc over k by KC (rank-KC updates; the first applies beta, later ones
/// add) → ic over rows by MC (pack an A panel) → jc over columns by NB (pack a B block that stays
/// in L2) → ir over MR rows (an A sliver that stays in L1) → jr over NR columns (micro-kernel).
/// </remarks>
internal static unsafe class GemmDriver
{
    /// <summary>C[i0..i1, j0..j1] of the product, single-threaded. i0 is a multiple of MR, j0 of NR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in GemmProblem g, int i0, int i1, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int k = g.K, ldc = g.Ldc;

        // Split k evenly (k = 300 → 2 × 152, not 256 + 44), in multiples of 8 for the transposes.
        int kSteps = (k + TKernel.KC - 1) / TKernel.KC;
        int kcMax = Math.Min(k, ((k + kSteps - 1) / kSteps + 7) & ~7);
        int mcMax = Math.Min(TKernel.MC, RoundUp(i1 - i0, mr));
        int nbMax = Math.Min(TKernel.NB, RoundUp(j1 - j0, nr));
        float* packedA = GemmBuffers.PackedA(RoundUp(mcMax, mr) * kcMax);
        float* packedB = GemmBuffers.PackedB(RoundUp(nbMax, nr) * kcMax);

        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            float beta = pc == 0 ? g.Beta : 1f;
            for (int ic = i0; ic < i1; ic += mcMax)
            {
                int mc = Math.Min(mcMax, i1 - ic);
                GemmPacking.PackA(g, ic, mc, pc, kc, mr, packedA);
                for (int jc = j0; jc < j1; jc += nbMax)
                {
                    int nb = Math.Min(nbMax, j1 - jc);
                    GemmPacking.PackB(g, pc, kc, jc, nb, nr, packedB);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        float* a = packedA + (nint)ir * kc;
                        float* c = g.C + (nint)(ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nb; jr += nr)
                            TKernel.Run(kc, a, packedB + (nint)jr * kc, c + jr, ldc, g.Alpha, beta,
                                rows, Math.Min(nr, nb - jr));
                    }
                }
            }
        }
    }

    static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
