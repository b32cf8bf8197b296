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
        string? path = ShimPath;
        if (path is null) return $"mkl ({ShimFile} not found: not built (no C compiler at build time) or not deployed)";
        return DlOpen(path, RtldNow | RtldGlobal) != 0 ? "avx512 (shim)" : $"mkl ({ShimFile} did not load)";
    }

    /// <summary>The shim's full path, the first found in <see cref="SearchDirectories"/>; null if it is in none.</summary>
    internal static string? ShimPath => shimPath.Value;

    private static readonly Lazy<string?> shimPath = new(() => FindShim(SearchDirectories()));

    /// <summary>
    /// Where the shim may be, in order: the application's folder (a project reference copies it there, as does a
    /// RID-specific publish of the package), the backend assembly's folder, then the runtime's native search folders.
    /// </summary>
    /// <remarks>
    /// A RID-less app that references the NuGet package gets it in <c>runtimes/linux-x64/native/</c> under its output;
    /// the host lists that folder (from the app's .deps.json) in <c>NATIVE_DLL_SEARCH_DIRECTORIES</c>, which is where
    /// <see cref="NativeLibrary.Load(string, System.Reflection.Assembly, DllImportSearchPath?)"/> would look too. The
    /// file is not loaded through NativeLibrary because that opens it without RTLD_GLOBAL, and MKL would not bind to it.
    /// </remarks>
    internal static IEnumerable<string> SearchDirectories()
    {
        yield return AppContext.BaseDirectory;
        string? assemblyDirectory = Path.GetDirectoryName(typeof(MklCpuDispatch).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory)) yield return assemblyDirectory;
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string native)
            foreach (var directory in native.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                yield return directory;
    }

    /// <summary>The first of <paramref name="directories"/> that holds <see cref="ShimFile"/>, as a full path; null if none does.</summary>
    internal static string? FindShim(IEnumerable<string> directories) =>
        directories.Select(d => Path.GetFullPath(Path.Combine(d, ShimFile))).FirstOrDefault(File.Exists);

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
