using LlmForge.Cli.Commands.Bench;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]</c>: prints one JSON line per
/// implementation and shape on stdout (progress goes to stderr), for comparing backends side by side.
/// </summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] Workloads = ["gemm"];

    public string Name => "bench";

    public string Summary => "measure kernels: --workload gemm [--backend managed|mkl|both] [--repeat N]";

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"])
        {
            stdout.WriteLine("usage: llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]");
            stdout.WriteLine("  --workload  gemm: C = A·B for the GPT-2-small shapes, GFLOPS per implementation");
            stdout.WriteLine("  --backend   managed, mkl (the MKL backend and raw cblas_sgemm), or both (default)");
            stdout.WriteLine("  --repeat    timed samples per implementation and shape, median reported (default 10)");
            return 0;
        }
        var options = CliArguments.Parse(Name, args);
        string workload = options.Choice("workload", Workloads)
            ?? throw new CliException($"{Name}: --workload is required; valid values: {string.Join(", ", Workloads)}");
        string backend = options.Choice("backend", "managed", "mkl", "both") ?? "both";
        int repeat = options.Int("repeat", min: 1) ?? 10;
        options.RejectUnknown();
        return workload switch
        {
            "gemm" => GemmBenchmark.Run(backend, repeat, stdout, stderr),
            _ => throw new CliException($"{Name}: --workload '{workload}' has no benchmark"),
        };
    }
}
