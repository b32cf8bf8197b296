using LlmForge.Cli.Commands.Bench;
using LlmForge.Cli.Commands.Bench.Workloads;

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

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"])
        {
            stdout.WriteLine("usage: llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]");
            stdout.WriteLine("       llmforge bench [--workloads FILE] (--workload NAME [--workload NAME …] | --all) [--backend managed|mkl|both] [--weights float32|bf16]");
            stdout.WriteLine("  --workload   gemm: C = A·B for the GPT-2-small shapes, GFLOPS per implementation;");
            stdout.WriteLine("               or a workload of the workloads file (train-char, train-gpt2, generate-gpt2, bert-base-encode)");
            stdout.WriteLine("  --all        every workload of the workloads file");
            stdout.WriteLine("  --workloads  the workloads file (default: bench/workloads.json next to the tool, a copy of the standard one)");
            stdout.WriteLine("  --backend    managed, mkl, or both (default); for gemm, mkl adds raw cblas_sgemm");
            stdout.WriteLine("  --repeat     gemm only: timed samples per implementation and shape, median reported (default 10)");
            stdout.WriteLine("  --weights    float32 (default), or bf16: the linear layers' weights rounded to bfloat16 for the");
            stdout.WriteLine("               inference workloads (generate, encode); the impl is then llmforge-BACKEND-bf16");
            stdout.WriteLine("Each workload prints {\"impl\",\"workload\",\"tokens_per_s\",\"step_ms_median\",\"peak_rss_mb\",\"alloc_bytes_per_step\",\"threads\"}.");
            return 0;
        }
        var options = CliArguments.Parse(Name, args, "all", "in-process");
        var names = options.All("workload");
        bool all = options.Switch("all");
        string? file = options.String("workloads");
        string backend = options.Choice("backend", "managed", "mkl", "both") ?? "both";
        bool bf16 = (options.Choice("weights", "float32", "bf16") ?? "float32") == "bf16";

        if (names.Contains(Gemm))
        {
            if (names.Count > 1 || all || file is not null || bf16)
                throw new CliException($"{Name}: --workload gemm is a kernel benchmark and runs alone (without other workloads, --all, --workloads or --weights)");
            int repeat = options.Int("repeat", min: 1) ?? 10;
            options.RejectUnknown();
            return GemmBenchmark.Run(backend, repeat, stdout, stderr);
        }

        bool inProcess = options.Switch("in-process");
        options.RejectUnknown();
        file ??= WorkloadBenchmark.DefaultWorkloadsPath;
        var workloads = WorkloadFile.Load(file);
        string valid = string.Join(", ", workloads.Select(w => w.Name).Prepend(Gemm));
        if (all == (names.Count > 0))
            throw new CliException(all
                ? $"{Name}: give either --workload NAME or --all, not both"
                : $"{Name}: --workload NAME (repeatable) or --all is required; valid values: {valid}");
        foreach (string name in names.Where(n => workloads.All(w => w.Name != n)))
            throw new CliException($"{Name}: --workload '{name}' is not in {file}; valid values: {valid}");
        var selected = WorkloadFile.Select(workloads, names, all, file);
        if (bf16 && selected.FirstOrDefault(w => w.Kind == WorkloadKind.Train) is { } training)
            throw new CliException($"{Name}: --weights bf16 serves the inference workloads (generate, encode); '{training.Name}' trains, which needs float32 weights");

        if (inProcess)
        {
            if (selected.Count != 1 || backend == "both")
                throw new CliException($"{Name}: --in-process runs exactly one --workload on one --backend (managed or mkl)");
            return WorkloadBenchmark.RunInProcess(selected[0], backend, bf16, stdout, stderr);
        }
        string[] backends = backend == "both" ? ["managed", "mkl"] : [backend];
        return WorkloadBenchmark.RunInChildren(file, selected, backends, bf16, stdout);
    }
}
