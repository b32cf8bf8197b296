using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

/// <summary>
/// The Intel MKL backend: matrix products through <c>cblas_sgemm</c> and MKL's batched GEMM, and the erf
/// GELU through MKL's vector math library (VML). Every other kernel runs on the <c>fallback</c> backend given
/// to the constructor, normally the managed backend: those MKL has no routine for (normalization, softmax,
/// cross-entropy, embeddings, AdamW, …) and those whose MKL routine measured slower than the managed one
/// (exp, tanh, add, axpy; see MklBackend.Fallback.cs).
/// </summary>
/// <remarks>
/// MKL's thread count is process-wide: setting <see cref="Threads"/> on one instance sets it for all.
/// Loading and configuring <c>libmkl_rt.so</c> happens once per process, on the first construction.
/// </remarks>
public sealed partial class MklBackend : ITensorBackend
{
    private readonly ITensorBackend fallback;
    private int threads;

    /// <summary>Loads MKL (once per process) and uses <paramref name="fallback"/> for the kernels MKL lacks.</summary>
    /// <exception cref="InvalidOperationException">libmkl_rt.so cannot be loaded; the message says how to install it.</exception>
    public MklBackend(ITensorBackend fallback) : this(fallback, libraryPath: null)
    {
    }

    /// <summary>Loads MKL from <paramref name="libraryPath"/> when given (tests point it at a missing file).</summary>
    internal MklBackend(ITensorBackend fallback, string? libraryPath)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (!MklLibrary.TryLoad(libraryPath, out var reason)) throw new InvalidOperationException(reason);
        this.fallback = fallback;
        threads = MklNative.GetMaxThreads();
    }

    /// <summary>Whether MKL can be loaded on this machine; <paramref name="reason"/> says why not (with install steps).</summary>
    public static bool IsAvailable(out string? reason) => MklLibrary.TryLoad(null, out reason);

    /// <summary>MKL's version line, e.g. "Intel(R) Math Kernel Library Version 2020.0.4 Product Build …".</summary>
    public static string MklVersion => MklLibrary.Version;

    /// <summary>The MKL threading layer in use: "gnu", "intel", "sequential", or "env" (MKL_THREADING_LAYER decided).</summary>
    public static string MklThreadingLayer => MklLibrary.ThreadingLayer;

    /// <summary>
    /// MKL's reproducibility (CNR) mode: "auto,strict" (the default: the same inputs give the same bits whatever the
    /// buffers' alignment), "env" (MKL_CBWR decided) or "default" (an MKL without strict mode).
    /// </summary>
    public static string MklReproducibility => MklLibrary.ReproducibilityMode;

    /// <summary>
    /// Which kernels MKL dispatches to: "avx512 (shim)" where LlmForge lets MKL use its AVX-512 kernels on a non-Intel
    /// processor that has AVX-512, else "mkl (reason)", MKL's own choice.
    /// </summary>
    public static string MklCpuDispatch => MklLibrary.CpuDispatch;

    /// <summary>
    /// Where the CPU-dispatch shim <c>libllmforge_mkl_cpu.so</c> was found (beside the application or this assembly,
    /// or in the NuGet package's <c>runtimes/linux-x64/native/</c> folder under the application's output), whether or
    /// not this processor needs it; null when it is not deployed.
    /// </summary>
    public static string? MklCpuShimPath => Native.MklCpuDispatch.ShimPath;

    /// <inheritdoc/>
    public string Name => "Mkl";

    /// <summary>The backend running the kernels MKL has no routine for.</summary>
    public ITensorBackend Fallback => fallback;

    /// <summary>MKL's threads (MKL_Set_Num_Threads, process-wide) and the fallback's.</summary>
    public int Threads
    {
        get => threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be ≥ 1, got {value}.");
            MklNative.SetNumThreads(value);
            fallback.Threads = value;
            threads = value;
        }
    }
}
