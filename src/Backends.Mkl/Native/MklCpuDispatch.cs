using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Mkl.Native;

/// <summary>
/// Lets MKL 2020 run its AVX-512 kernels on non-Intel processors that have AVX-512 (AMD Zen 4 and 5).
/// </summary>
/// <remarks>
/// MKL picks its code path through <c>mkl_serv_intel_cpu_true()</c>: on any processor that is not Intel's it keeps to
/// AVX2, whatever the processor supports. On this project's AMD EPYC that halves <c>cblas_sgemm</c>
/// (measured 150–165 GFLOP/s against 310–385 with the AVX-512 kernels on the GPT-2 shapes, 2 threads). The shim
/// <c>libllmforge_mkl_cpu.so</c> (Native/mkl_cpu_dispatch.c, built with the project) defines that function to answer
/// yes; loaded with RTLD_GLOBAL before MKL, the dynamic linker binds MKL's calls to it, as an LD_PRELOAD would.
/// It is loaded only on a non-Intel processor with every AVX-512 subset MKL's AVX-512 kernels use (F, CD, BW, DQ,
/// VL), so MKL never runs an instruction the processor lacks. <c>LLMFORGE_MKL_CPU_DISPATCH=native</c> keeps MKL's own choice.
/// </remarks>
internal static partial class MklCpuDispatch
{
    internal const string ShimFile = "libllmforge_mkl_cpu.so";
    internal const string EnvironmentVariable = "LLMFORGE_MKL_CPU_DISPATCH";

    private const int RtldNow = 0x2, RtldGlobal = 0x100;

    /// <summary>
    /// Loads the shim when it applies; returns what MKL will dispatch on, for <see cref="MklLibrary.CpuDispatch"/>:
    /// "avx512 (shim)" or "mkl" with the reason the shim was not loaded.
    /// </summary>
    internal static string Apply()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "native", StringComparison.OrdinalIgnoreCase))
            return $"mkl ({EnvironmentVariable}=native)";
        if (!OperatingSystem.IsLinux()) return "mkl (not Linux)";
        if (IsIntel()) return "mkl (Intel processor)";
        if (!HasAvx512ForMkl()) return "mkl (no AVX-512 F/CD/BW/DQ/VL)";
        string path = Path.Combine(AppContext.BaseDirectory, ShimFile);
        if (!File.Exists(path))
        {
            path = Path.Combine(Path.GetDirectoryName(typeof(MklCpuDispatch).Assembly.Location) ?? "", ShimFile);
            if (!File.Exists(path)) return $"mkl ({ShimFile} not built: no C compiler at build time)";
        }
        return DlOpen(path, RtldNow | RtldGlobal) != 0 ? "avx512 (shim)" : $"mkl ({ShimFile} did not load)";
    }

    internal static bool HasAvx512ForMkl() =>
        Avx512F.IsSupported && Avx512CD.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;

    /// <summary>CPUID leaf 0's vendor, "GenuineIntel" on Intel's processors (EBX, EDX, ECX in that order).</summary>
    internal static bool IsIntel()
    {
        if (!X86Base.IsSupported) return false;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> vendor = [ebx, edx, ecx];
        return MemoryMarshal.AsBytes(vendor).SequenceEqual("GenuineIntel"u8);
    }

    // glibc 2.34+ has dlopen in libc.so.6 itself (the unversioned libc.so is a linker script, not a library).
    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string file, int mode);
}
