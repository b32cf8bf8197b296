using LlmForge.Backends;
using LlmForge.Backends.Mkl;
using LlmForge.Backends.Profiling;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Cli.Hosting;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// Runs the model workloads of a workloads file (train-char, train-gpt2, generate-gpt2, bert-base-encode, translate-marian) on
/// LlmForge's backends: one child process per workload × backend (interleaved: every backend of a workload, then
/// the next workload), each printing one JSON <see cref="BenchResult"/> line.
/// </summary>
public static class WorkloadBenchmark
{
    /// <summary>The repository's copy of the standard workloads file, copied next to the tool at build time.</summary>
    public static string DefaultWorkloadsPath => Path.Combine(AppContext.BaseDirectory, "bench", "workloads.json");

    /// <summary>Runs every (workload, backend) in a child process of its own; returns 0 when all succeeded.</summary>
    public static int RunInChildren(string file, IReadOnlyList<Workload> workloads, IReadOnlyList<string> backends, WeightFormat weights, bool profile, TextWriter stdout)
    {
        var runs = from workload in workloads
                   from backend in backends
                   select (IReadOnlyList<string>)["bench", "--workloads", file, "--workload", workload.Name, "--backend", backend,
                       "--weights", weights.Name(), "--in-process", .. profile ? ["--profile"] : Array.Empty<string>()];
        return ChildProcesses.RunEach(runs, stdout) == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs one workload on one backend ("managed" or "mkl") in this process and prints its JSON line; with
    /// <paramref name="weights"/> bf16 or int8 an inference workload's linear layers multiply by bfloat16 or 8-bit copies of their weights. With
    /// <paramref name="profile"/> the model computes through a <see cref="ProfilingBackend"/> and the timed steps' kernel
    /// breakdown follows the result line (<see cref="ProfileReport"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">This build cannot run the workload (the message says why).</exception>
    public static int RunInProcess(Workload workload, string backendName, WeightFormat weights, bool profile, TextWriter stdout, TextWriter stderr)
    {
        string impl = weights == WeightFormat.Float32 ? $"llmforge-{backendName}" : $"llmforge-{backendName}-{weights.Name()}";
        void Progress(string message) => stderr.WriteLine($"bench {workload.Name} {impl}: {message}");

        int threads = Environment.ProcessorCount;
        ITensorBackend backend = BackendFactory.Create(backendName == "mkl" ? "Mkl" : "Managed");
        backend.Threads = threads;
        if (backend is MklBackend) Progress($"{MklBackend.MklVersion}; threading layer {MklBackend.MklThreadingLayer}; reproducibility {MklBackend.MklReproducibility}; cpu dispatch {MklBackend.MklCpuDispatch}");
        // The peak first: its few MB come and go before the model's, leaving peak_rss_mb to the workload.
        double? flopsPerToken = WorkloadFlops.PerToken(workload);
        double? peak = flopsPerToken is null ? null : GemmPeak.MeasureGflops(backend);
        if (peak is { } p) Progress($"GEMM peak {p:F1} GFLOP/s (best of {string.Join(", ", GemmPeak.DefaultShapes.Select(s => $"{s.M}x{s.N}x{s.K}"))})");
        var profiled = profile ? new ProfilingBackend(backend) : null;
        ITensorBackend compute = profiled ?? backend;

        long weightBytes = 0;
        Action step = workload.Kind switch
        {
            WorkloadKind.Train => TrainWorkload.Prepare(workload, compute, Progress),
            WorkloadKind.Generate => GenerateWorkload.Prepare(workload, compute, weights, Progress, out weightBytes),
            WorkloadKind.Encode => EncodeWorkload.Prepare(workload, compute, weights, Progress),
            WorkloadKind.Translate => TranslateWorkload.Prepare(workload, compute, weights, Progress),
            _ => throw new NotSupportedException($"workload kind {workload.Kind} has no benchmark"),
        };
        Progress($"{threads} threads, {workload.WarmupSteps} warm-up + {workload.TimedSteps} timed");

        var timings = StepTimings.Measure(workload.WarmupSteps, workload.TimedSteps, step, Progress, beforeTimed: () => profiled?.Profile.Reset());
        var result = BenchResult.From(impl, workload, timings, backend.Threads);
        result = result with { Gflops = result.TokensPerS * flopsPerToken / 1e9, GemmPeakGflops = peak };
        stdout.WriteLine(result.ToJsonLine());
        stdout.Flush();
        if (profiled is not null)
            ProfileReport.Write(impl, workload.Name, ProfileBreakdown.Create(profiled.Profile, timings.Seconds.Count, timings.Seconds.Sum()), stdout, stderr);
        if (weightBytes > 0) // decoding's ceiling, measured after the result so its array leaves peak_rss_mb alone
        {
            double gbps = ReadBandwidth.MeasureGBps(threads);
            Progress($"read bandwidth {gbps:F1} GB/s; ceiling {gbps * 1e9 / weightBytes:F1} tokens/s ({weightBytes / 1e6:F1} MB of weights per token)");
        }
        return 0;
    }

    /// <summary>An inference workload's <c>--weights bf16|int8</c>: bfloat16 or 8-bit copies of the model's linear weights, said in the progress.</summary>
    internal static void UseWeights(Module model, WeightFormat weights, Action<string> progress)
    {
        if (weights == WeightFormat.Float32) return;
        int layers = model.UseWeights(weights);
        progress(weights == WeightFormat.Int8
            ? $"int8 (q8_0) weights in {layers} linear layers ({model.Int8Bytes() / 1e6:F0} MB)"
            : $"bfloat16 weights in {layers} linear layers ({model.BFloat16Bytes() / 1e6:F0} MB)");
    }
}
