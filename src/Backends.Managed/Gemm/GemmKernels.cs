using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>The instruction sets a micro-kernel exists for, best first.</summary>
internal enum GemmIsa
{
    Avx512,
    Avx2,
    Scalar,
}

/// <summary>Picks the micro-kernel for this CPU and dispatches the driver to it.</summary>
internal static class GemmKernels
{
    /// <summary>The fastest kernel the CPU runs.</summary>
    public static readonly GemmIsa Best =
        Avx512MicroKernel.IsSupported ? GemmIsa.Avx512 :
        Avx2MicroKernel.IsSupported ? GemmIsa.Avx2 : GemmIsa.Scalar;

    public static bool IsSupported(this GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512MicroKernel.IsSupported,
        GemmIsa.Avx2 => Avx2MicroKernel.IsSupported,
        _ => true,
    };

    public static int MR(this GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512MicroKernel.MR,
        GemmIsa.Avx2 => Avx2MicroKernel.MR,
        _ => ScalarMicroKernel.MR,
    };

    public static int NR(this GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512MicroKernel.NR,
        GemmIsa.Avx2 => Avx2MicroKernel.NR,
        _ => ScalarMicroKernel.NR,
    };

    /// <summary>C[i0..i1, j0..j1] on the calling thread.</summary>
    public static void Run(in GemmProblem g, int i0, int i1, int j0, int j1, GemmIsa isa)
    {
        switch (isa)
        {
            case GemmIsa.Avx512:
                GemmDriver.Run<Avx512MicroKernel>(g, i0, i1, j0, j1);
                break;
            case GemmIsa.Avx2:
                GemmDriver.Run<Avx2MicroKernel>(g, i0, i1, j0, j1);
                break;
            default:
                GemmDriver.Run<ScalarMicroKernel>(g, i0, i1, j0, j1);
                break;
        }
    }
}
