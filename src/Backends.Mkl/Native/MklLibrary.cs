using System.Reflection;
using System.Runtime.InteropServices;

namespace LlmForge.Backends.Mkl.Native;

/// <summary>
/// Finds and loads <c>libmkl_rt.so</c> once per process, points the "mkl_rt" imports of
/// <see cref="MklNative"/> at it, and configures it before the first kernel call
/// (LP64 integers, a threading layer whose OpenMP runtime is actually installed, strict reproducibility).
/// </summary>
internal static unsafe class MklLibrary
{
    /// <summary>Debian ships the unversioned name; Intel's oneAPI installs add a soname version.</summary>
    private static readonly string[] Candidates = ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"];

    /// <summary>Exports every kernel needs; a library missing one is not a usable MKL.</summary>
    private static readonly string[] RequiredExports =
    [
        "cblas_sgemm", "cblas_sgemm_batch", "vmsErf",
        "MKL_Set_Interface_Layer", "MKL_Set_Threading_Layer", "MKL_Set_Num_Threads", "MKL_Set_Num_Threads_Local",
        "MKL_Get_Max_Threads", "MKL_Get_Version_String",
    ];

    private static readonly Lock Gate = new();
    private static nint handle;

    /// <summary>Whether this MKL has <c>cblas_sgemm_batch_strided</c> (older releases lack it).</summary>
    internal static bool HasSgemmBatchStrided { get; private set; }

    /// <summary>The MKL threading layer chosen at load ("intel", "gnu", "sequential", or "env" when MKL_THREADING_LAYER decides).</summary>
    internal static string ThreadingLayer { get; private set; } = "";

    /// <summary>MKL's own version line, e.g. "Intel(R) Math Kernel Library Version 2020.0.4 ...".</summary>
    internal static string Version { get; private set; } = "";

    /// <summary>
    /// The CNR mode chosen at load: "auto,strict" (results independent of buffer alignment), "env" (MKL_CBWR decided),
    /// or "default" when this MKL has no strict mode (before 2019 Update 3).
    /// </summary>
    internal static string ReproducibilityMode { get; private set; } = "";

    /// <summary>Which kernels MKL dispatches to: "avx512 (shim)" or "mkl (reason)" (<see cref="MklCpuDispatch"/>).</summary>
    internal static string CpuDispatch { get; private set; } = "";

    /// <summary>
    /// Loads MKL (the first success is kept for the whole process) or says why it cannot.
    /// With <paramref name="path"/>, that file must load; without, the usual names are searched.
    /// </summary>
    internal static bool TryLoad(string? path, out string? reason)
    {
        lock (Gate)
        {
            if (path is null && handle != 0)
            {
                reason = null;
                return true;
            }
            // Before MKL's first load: its libraries bind the CPU check as they load.
            if (handle == 0 && CpuDispatch.Length == 0) CpuDispatch = MklCpuDispatch.Apply();
            var tried = path is null ? Candidates : [path];
            var errors = new List<string>();
            nint loaded = 0;
            string? from = null;
            foreach (var name in tried)
            {
                try
                {
                    loaded = NativeLibrary.Load(name);
                    from = name;
                    break;
                }
                catch (DllNotFoundException e)
                {
                    errors.Add(e.Message);
                }
            }
            if (loaded == 0)
            {
                reason = NotFoundMessage(tried, errors);
                return false;
            }
            var missing = RequiredExports.Where(e => !NativeLibrary.TryGetExport(loaded, e, out _)).ToList();
            if (missing.Count > 0)
            {
                reason = $"'{from}' loaded but lacks {string.Join(", ", missing)}: it is not a complete Intel MKL " +
                         "single dynamic library (libmkl_rt.so). " + InstallHint;
                return false;
            }
            if (handle != 0)
            {
                // Already configured: the first library loaded serves every backend of the process.
                reason = null;
                return true;
            }
            handle = loaded;
            HasSgemmBatchStrided = NativeLibrary.TryGetExport(loaded, "cblas_sgemm_batch_strided", out _);
            NativeLibrary.SetDllImportResolver(typeof(MklLibrary).Assembly, Resolve);
            Configure();
            reason = null;
            return true;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == MklNative.Library ? handle : 0;

    /// <summary>Must run before any other MKL call: MKL fixes its layers at first use.</summary>
    private static void Configure()
    {
        // LP64: MKL_INT is 32-bit, as MklNative declares it, even if MKL_INTERFACE_LAYER says otherwise.
        MklNative.SetInterfaceLayer(MklNative.InterfaceLp64);
        ThreadingLayer = ChooseThreadingLayer();
        ReproducibilityMode = ChooseReproducibility();
        var buffer = stackalloc byte[256];
        buffer[0] = 0;
        MklNative.GetVersionString(buffer, 255);
        buffer[255] = 0;
        Version = (Marshal.PtrToStringUTF8((nint)buffer) ?? "").Trim();
    }

    /// <summary>
    /// MKL's default "intel" layer needs libiomp5.so, which Debian installs only as a recommended
    /// package (libomp-dev); without it MKL aborts the process at the first threaded call. So pick
    /// a layer whose runtime loads: GNU OpenMP (libgomp.so.1, part of gcc's runtime) first, which
    /// measured as fast as libiomp5 for sgemm here (2 × AMD EPYC cores, ~200 GFLOPS on 768³), then
    /// Intel OpenMP, then sequential. MKL_THREADING_LAYER in the environment overrides the choice.
    /// </summary>
    private static string ChooseThreadingLayer()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_THREADING_LAYER"))) return "env";
        if (CanLoad("libgomp.so.1"))
        {
            MklNative.SetThreadingLayer(MklNative.ThreadingGnu);
            return "gnu";
        }
        if (CanLoad("libiomp5.so"))
        {
            MklNative.SetThreadingLayer(MklNative.ThreadingIntel);
            return "intel";
        }
        MklNative.SetThreadingLayer(MklNative.ThreadingSequential);
        return "sequential";
    }

    /// <summary>
    /// By default MKL's sgemm picks code paths by the buffers' alignment, so the same product of the same numbers can
    /// differ in the last bit between two arrays (measured here on 8×8×8 and 24×11×16 products at 4-byte offsets).
    /// .NET arrays land at any 8-byte boundary, so two identical training runs — or a run and its resume from a
    /// checkpoint — would drift apart. Strict CNR ("auto,strict") makes results independent of alignment for a fixed
    /// thread count; it measured no slower on the train-char and gemm benchmarks. MKL_CBWR in the environment wins.
    /// </summary>
    private static string ChooseReproducibility()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR"))) return "env";
        if (!NativeLibrary.TryGetExport(handle, "MKL_CBWR_Set", out _)) return "default";
        return MklNative.CbwrSet(MklNative.CbwrAuto | MklNative.CbwrStrict) == MklNative.CbwrSuccess ? "auto,strict" : "default";
    }

    private static bool CanLoad(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var h)) return false;
        NativeLibrary.Free(h);
        return true;
    }

    internal const string InstallHint =
        "Install Intel MKL: on Debian 12 it is the package 'libmkl-rt' in the non-free component; enable non-free " +
        "(a sources entry with 'Components: non-free' for bookworm, e.g. /etc/apt/sources.list.d/debian-non-free.sources), " +
        "then run 'apt-get update && apt-get install libmkl-rt' (as root; on Ubuntu enable multiverse instead). " +
        "The repository's '.ci/setup' does exactly this. Or choose the managed backend (\"Backend\": \"Managed\").";

    private static string NotFoundMessage(IEnumerable<string> tried, List<string> errors) =>
        $"Intel MKL is not available: could not load libmkl_rt.so (tried {string.Join(", ", tried)}). {InstallHint}" +
        (errors.Count > 0 ? $" Loader said: {errors[0]}" : "");
}
