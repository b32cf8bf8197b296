using System.Runtime.InteropServices;

namespace LlmForge.Backends.Mkl.Native;

/// <summary>
/// The few Intel MKL entry points LlmForge calls, bound to MKL's single dynamic library
/// <c>libmkl_rt.so</c> (the "mkl_rt" name is resolved by <see cref="MklLibrary"/>).
/// Integers are MKL_INT of the LP64 interface (32-bit), which <see cref="MklLibrary"/> selects
/// before the first call; VML modes are MKL_INT64.
/// </summary>
/// <remarks>
/// Callers check every size first: MKL trusts its pointers, so a short buffer here is memory
/// corruption, not an exception.
/// </remarks>
internal static unsafe partial class MklNative
{
    internal const string Library = "mkl_rt";

    // CBLAS enums (cblas.h / mkl_cblas.h).
    internal const int CblasRowMajor = 101;
    internal const int CblasNoTrans = 111;
    internal const int CblasTrans = 112;

    // mkl_service.h
    internal const int InterfaceLp64 = 0;
    internal const int ThreadingIntel = 0;
    internal const int ThreadingSequential = 1;
    internal const int ThreadingGnu = 3;

    // mkl_vml_defines.h: accuracy (bits 0-3) and error handling (bits 8-15). VML's error reporting
    // (errno, callbacks) is off: the IEEE result (NaN in, NaN out) is what the kernels want.
    internal const long VmlHighAccuracy = 0x2;
    internal const long VmlErrModeIgnore = 0x100;

    // ------------------------------------------------------------------ service

    [LibraryImport(Library, EntryPoint = "MKL_Set_Interface_Layer")]
    internal static partial int SetInterfaceLayer(int code);

    [LibraryImport(Library, EntryPoint = "MKL_Set_Threading_Layer")]
    internal static partial int SetThreadingLayer(int code);

    [LibraryImport(Library, EntryPoint = "MKL_Set_Num_Threads")]
    internal static partial void SetNumThreads(int threads);

    /// <summary>Sets this thread's MKL thread count (0 = back to the global one); returns the previous local count.</summary>
    [LibraryImport(Library, EntryPoint = "MKL_Set_Num_Threads_Local")]
    internal static partial int SetNumThreadsLocal(int threads);

    [LibraryImport(Library, EntryPoint = "MKL_Get_Max_Threads")]
    internal static partial int GetMaxThreads();

    // mkl_service.h: Conditional Numerical Reproducibility (CNR) modes.
    internal const int CbwrAuto = 2;
    internal const int CbwrStrict = 0x10000;
    internal const int CbwrSuccess = 0;

    /// <summary>Sets the CNR mode; only effective before MKL's first computation. Returns MKL_CBWR_SUCCESS (0) or an error code.</summary>
    [LibraryImport(Library, EntryPoint = "MKL_CBWR_Set")]
    internal static partial int CbwrSet(int settings);

    [LibraryImport(Library, EntryPoint = "MKL_Get_Version_String")]
    internal static partial void GetVersionString(byte* buffer, int length);

    // ------------------------------------------------------------------ BLAS

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    internal static partial void Sgemm(int layout, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    /// <summary>
    /// Missing from older MKL releases (<see cref="MklLibrary.HasSgemmBatchStrided"/> says whether it is here; Debian 12's
    /// 2020.4 has it). MKL 2020.4 rejects a stride smaller than its matrix ("Parameter 10 was incorrect on entry"),
    /// so no broadcasting through it.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "cblas_sgemm_batch_strided")]
    internal static partial void SgemmBatchStrided(int layout, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, int strideA, float* b, int ldb, int strideB,
        float beta, float* c, int ldc, int strideC, int batch);

    /// <summary>The grouped batch API: per group one set of sizes, per product one pointer to each of A, B and C.</summary>
    [LibraryImport(Library, EntryPoint = "cblas_sgemm_batch")]
    internal static partial void SgemmBatch(int layout, int* transA, int* transB, int* m, int* n, int* k,
        float* alpha, float** a, int* lda, float** b, int* ldb, float* beta, float** c, int* ldc,
        int groupCount, int* groupSize);

    // ------------------------------------------------------------------ VML (vector math)

    [LibraryImport(Library, EntryPoint = "vmsErf")]
    internal static partial void VmsErf(int n, float* a, float* y, long mode);

    [LibraryImport(Library, EntryPoint = "vmsSqrt")]
    internal static partial void VmsSqrt(int n, float* a, float* y, long mode);

    [LibraryImport(Library, EntryPoint = "vmsInvSqrt")]
    internal static partial void VmsInvSqrt(int n, float* a, float* y, long mode);

    [LibraryImport(Library, EntryPoint = "vmsInv")]
    internal static partial void VmsInv(int n, float* a, float* y, long mode);

    [LibraryImport(Library, EntryPoint = "vmsLn")]
    internal static partial void VmsLn(int n, float* a, float* y, long mode);

    [LibraryImport(Library, EntryPoint = "vmsSqr")]
    internal static partial void VmsSqr(int n, float* a, float* y, long mode);
}
