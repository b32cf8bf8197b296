using System.CommandLine;
using System.Globalization;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Cli.Commands.Bench;
using LlmForge.Cli.Parsing;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge bench</c>: prints one JSON line per implementation and measurement on stdout (progress goes to
/// stderr), for comparing backends side by side.
/// <list type="bullet">
/// <item><c>--workload gemm [--backend …] [--repeat N]</c>: GEMM GFLOPS for the GPT-2-small shapes.</item>
/// <item><c>[--workloads FILE] (--workload NAME … | --all) [--backend …]</c>: the model workloads of the
/// standard workloads file (default: the repository's bench/workloads.json), each workload × backend in a
/// fresh process so that its peak RSS is its own.</item>
/// </list>
/// </summary>
public sealed class BenchCommand : ICommand
{
    private const string Gemm = "gemm";

    public string Name => "bench";

    public string Summary => "measure: --workload gemm | [--workloads FILE] (--workload NAME … | --all) [--backend managed|mkl|both]";

    public string Synopsis => """
        usage: llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]
               llmforge bench [--workloads FILE] (--workload NAME [--workload NAME …] | --all) [--backend managed|mkl|both] [--weights float32|bf16|int8] [--profile]
        """;

    public string Notes =>
        "Each workload prints {\"impl\",\"workload\",\"tokens_per_s\",\"step_ms_median\",\"peak_rss_mb\",\"alloc_bytes_per_step\",\"threads\","
        + "\"step_ms_min\",\"step_ms_max\"}; train and encode workloads add \"gflops\" = tokens_per_s × FLOPs per token "
        + "(training 3 × forward; forward = 2 × the matmul weights per token (blocks' projections, LM head) + attention "
        + "4 × layers × C × keys per query, T or (T+1)/2 causal), \"gemm_peak_gflops\" (the best of a few large sgemm calls of the "
        + "backend, same process and threads) and \"of_gemm_peak\" = gflops / gemm_peak_gflops. --profile adds one JSON line per "
        + "kernel family (\"kernel\":\"*\"), the time outside kernels (\"family\":\"outside-kernels\") and each kernel "
        + "({\"impl\",\"workload\",\"kernel\",\"family\",\"calls_per_step\",\"ms_per_step\",\"share\"[,\"gflops\"]}), and the "
        + "same as a table on stderr; the timed steps then run through the profiler (two timestamps per kernel call). "
        + string.Create(CultureInfo.InvariantCulture, $"Warm-up: the file's warm-up steps, then more (at most {StepTimings.MaxExtraWarmupSteps}) "
            + $"until two in a row agree within {StepTimings.WarmupTolerance * 100:F0} %.");

    private static readonly Option<string[]> Workload = Flag.Repeated("--workload", "NAME",
        "gemm: C = A·B for the GPT-2-small shapes, GFLOPS per implementation; or a workload of the workloads file " +
        "(train-char, train-gpt2, generate-gpt2, generate-llama, bert-base-encode); repeatable");
    private static readonly Option<bool> All = Flag.Switch("--all", "every workload of the workloads file");
    private static readonly Option<string?> Workloads = Flag.Text("--workloads", "FILE",
        "the workloads file (default: bench/workloads.json next to the tool, a copy of the standard one)");
    private static readonly Option<string?> Backend = Flag.Choice("--backend", "NAME", "managed, mkl, or both (default); for gemm, mkl adds raw cblas_sgemm",
        "managed", "mkl", "both");
    private static readonly Option<int?> Repeat = Flag.Int("--repeat", "N", "gemm only: timed samples per implementation and shape, median reported (default 10)", min: 1);
    private static readonly Option<string?> Weights = Flag.Choice("--weights", "FORMAT",
        "float32 (default), bf16: the linear layers' weights rounded to bfloat16 for the inference workloads (generate, encode), " +
        "or int8: quantized to 8-bit blocks (q8_0); the impl is then llmforge-BACKEND-bf16 or llmforge-BACKEND-int8", "float32", "bf16", "int8");
    private static readonly Option<bool> Profile = Flag.Switch("--profile",
        "model workloads: time every kernel of the timed steps and print the breakdown per kernel family and kernel");
    // How the parent runs each workload in a child process of its own; not for users.
    private static readonly Option<bool> InProcess = Hidden(Flag.Switch("--in-process", "run one workload in this process"));

    public IReadOnlyList<Option> Options { get; } = [Workload, All, Workloads, Backend, Repeat, Weights, Profile, InProcess];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        var names = parsed.GetValue(Workload) ?? [];
        bool all = parsed.GetValue(All);
        string? file = parsed.GetValue(Workloads);
        string backend = parsed.GetValue(Backend) ?? "both";
        var weights = WeightFormats.Parse(parsed.GetValue(Weights));
        int? repeatFlag = parsed.GetValue(Repeat);
        bool inProcess = parsed.GetValue(InProcess);
        bool profile = parsed.GetValue(Profile);

        if (names.Contains(Gemm))
        {
            if (names.Length > 1 || all || file is not null || weights != WeightFormat.Float32 || profile)
                throw new CliException($"{Name}: --workload gemm is a kernel benchmark and runs alone (without other workloads, --all, --workloads, --weights or --profile)");
            if (inProcess) throw new CliException($"{Name}: unknown flag --in-process");
            return GemmBenchmark.Run(backend, repeatFlag ?? 10, stdout, stderr);
        }

        // --repeat is the kernel benchmark's; a workload run does not know it.
        if (repeatFlag is not null) throw new CliException($"{Name}: unknown flag --repeat");
        file ??= WorkloadBenchmark.DefaultWorkloadsPath;
        var workloads = WorkloadFile.Load(file);
        string valid = string.Join(", ", workloads.Select(w => w.Name).Prepend(Gemm));
        if (all == (names.Length > 0))
            throw new CliException(all
                ? $"{Name}: give either --workload NAME or --all, not both"
                : $"{Name}: --workload NAME (repeatable) or --all is required; valid values: {valid}");
        foreach (string name in names.Where(n => workloads.All(w => w.Name != n)))
            throw new CliException($"{Name}: --workload '{name}' is not in {file}; valid values: {valid}");
        var selected = WorkloadFile.Select(workloads, names, all, file);
        if (weights != WeightFormat.Float32 && selected.FirstOrDefault(w => w.Kind == WorkloadKind.Train) is { } training)
            throw new CliException($"{Name}: --weights {weights.Name()} serves the inference workloads (generate, encode); '{training.Name}' trains, which needs float32 weights");

        if (inProcess)
        {
            if (selected.Count != 1 || backend == "both")
                throw new CliException($"{Name}: --in-process runs exactly one --workload on one --backend (managed or mkl)");
            return WorkloadBenchmark.RunInProcess(selected[0], backend, weights, profile, stdout, stderr);
        }
        string[] backends = backend == "both" ? ["managed", "mkl"] : [backend];
        return WorkloadBenchmark.RunInChildren(file, selected, backends, weights, profile, stdout);
    }

    private static Option<bool> Hidden(Option<bool> option)
    {
        option.Hidden = true;
        return option;
    }
}
