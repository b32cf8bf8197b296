using LlmForge.Cli.Commands.Bench;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]</c>: prints one JSON line per
/// implementation and shape on stdout (progress goes to stderr), for comparing backends side by side.
/// </summary>
public static class BenchCommand
{
    public const string Summary = "measure kernels: --workload gemm [--backend managed|mkl|both] [--repeat N]";

    private static readonly string[] Workloads = ["gemm"];

    public static int Run(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine("usage: llmforge bench --workload gemm [--backend managed|mkl|both] [--repeat N]");
            Console.WriteLine("  --workload  gemm: C = A·B for the GPT-2-small shapes, GFLOPS per implementation");
            Console.WriteLine("  --backend   managed, mkl (the MKL backend and raw cblas_sgemm), or both (default)");
            Console.WriteLine("  --repeat    timed samples per implementation and shape, median reported (default 10)");
            return 0;
        }
        var options = new CommandArguments(args, "workload", "backend", "repeat");
        string workload = options.Get("workload", "");
        if (workload.Length == 0)
            throw new CommandLineException($"--workload is required; valid values: {string.Join(", ", Workloads)}");
        workload = options.GetChoice("workload", "", Workloads);
        string backend = options.GetChoice("backend", "both", "managed", "mkl", "both");
        int repeat = options.GetInt("repeat", 10, min: 1);
        return workload switch
        {
            "gemm" => GemmBenchmark.Run(backend, repeat, Console.Out, Console.Error),
            _ => throw new CommandLineException($"--workload '{workload}' has no benchmark"),
        };
    }
}
