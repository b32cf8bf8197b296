using System.Runtime.InteropServices;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// cblas_sgemm called straight from the benchmark, with no LlmForge code in between: the "mkl-cblas"
/// baseline the MKL backend is measured against. Call it only after an MklBackend exists, which has
/// loaded libmkl_rt.so and chosen its threading layer.
/// </summary>
internal static unsafe partial class RawCblas
{
    internal const int RowMajor = 101, NoTrans = 111;

    [LibraryImport("mkl_rt", EntryPoint = "cblas_sgemm")]
    internal static partial void Sgemm(int layout, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport("mkl_rt", EntryPoint = "MKL_Set_Num_Threads")]
    internal static partial void SetNumThreads(int threads);
}
