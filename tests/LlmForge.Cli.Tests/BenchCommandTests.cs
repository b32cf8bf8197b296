using System.Text.Json;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Cli.Bench;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>The plumbing of <c>llmforge bench</c> on tiny workloads, run in-process (never timed).</summary>
[Collection(AllocationSensitiveCollection.Name)]
public class BenchCommandTests
{
    private static readonly string[] Keys = ["impl", "workload", "tokens_per_s", "step_ms_median", "peak_rss_mb", "alloc_bytes_per_step", "threads"];

    /// <summary>The keys after <see cref="Keys"/>: the spread of every workload, the FLOP rate of train and encode workloads.</summary>
    private static readonly string[] SpreadKeys = ["step_ms_min", "step_ms_max"];
    private static readonly string[] FlopKeys = ["gflops", "gemm_peak_gflops", "of_gemm_peak"];

    [Fact]
    public void An_unknown_workload_is_named_with_the_valid_ones()
    {
        var (code, _, stderr) = Cli.Run("bench", "--workload", "train-chars");

        Assert.Equal(2, code);
        Assert.Contains("--workload 'train-chars' is not in ", stderr);
        Assert.Contains("valid values: gemm, train-char, train-gpt2, generate-gpt2, generate-llama, bert-base-encode", stderr);
    }

    [Theory]
    [InlineData(new[] { "bench" }, "--workload NAME (repeatable) or --all is required; valid values: gemm, train-char")]
    [InlineData(new[] { "bench", "--all", "--workload", "train-char" }, "give either --workload NAME or --all, not both")]
    [InlineData(new[] { "bench", "--workload", "gemm", "--workload", "train-char" }, "--workload gemm is a kernel benchmark and runs alone")]
    [InlineData(new[] { "bench", "--all", "--repeat", "3" }, "unknown flag --repeat")]
    [InlineData(new[] { "bench", "--all", "--backend", "torch" }, "--backend 'torch' is not valid; valid values: managed, mkl, both")]
    [InlineData(new[] { "bench", "--all", "--in-process" }, "--in-process runs exactly one --workload on one --backend (managed or mkl)")]
    [InlineData(new[] { "bench", "--all", "--weights", "fp16" }, "--weights 'fp16' is not valid; valid values: float32, bf16, int8")]
    [InlineData(new[] { "bench", "--workload", "train-char", "--weights", "int8" }, "--weights int8 serves the inference workloads (generate, encode); 'train-char' trains")]
    [InlineData(new[] { "bench", "--workload", "train-char", "--weights", "bf16" }, "--weights bf16 serves the inference workloads (generate, encode); 'train-char' trains")]
    [InlineData(new[] { "bench", "--workload", "gemm", "--weights", "bf16" }, "--workload gemm is a kernel benchmark and runs alone")]
    [InlineData(new[] { "bench", "--workload", "gemm", "--profile" }, "--workload gemm is a kernel benchmark and runs alone")]
    public void Bad_flags_are_one_line_errors(string[] args, string message)
    {
        var (code, stdout, stderr) = Cli.Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"llmforge bench: {message}", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_missing_workloads_file_is_named()
    {
        var (code, _, stderr) = Cli.Run("bench", "--workloads", "/nonexistent/w.json", "--all");

        Assert.Equal(1, code);
        Assert.Contains("'/nonexistent/w.json' does not exist", stderr);
    }

    [Theory]
    [InlineData("tiny-train", "managed", 8)]
    [InlineData("tiny-generate", "managed", 4)]
    [InlineData("tiny-train", "mkl", 8)]
    [InlineData("tiny-generate", "mkl", 4)]
    [InlineData("tiny-encode", "managed", 8)]
    [InlineData("tiny-encode", "mkl", 8)]
    [InlineData("tiny-generate", "managed-bf16", 4)]
    [InlineData("tiny-encode", "mkl-bf16", 8)]
    [InlineData("tiny-generate-llama", "managed", 4)]
    [InlineData("tiny-generate-llama", "mkl-bf16", 4)]
    [InlineData("tiny-generate", "managed-int8", 4)]
    [InlineData("tiny-encode", "mkl-int8", 8)]
    [InlineData("tiny-translate", "managed", 6)]
    [InlineData("tiny-translate", "mkl", 6)]
    public void A_workload_run_in_process_prints_one_json_line(string workload, string impl, int tokensPerStep)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("w.json"), TinyWorkloads.Json);
        string backend = impl.Replace("-bf16", "").Replace("-int8", "");
        string weights = impl.EndsWith("-bf16") ? "bf16" : impl.EndsWith("-int8") ? "int8" : "float32";

        var (code, stdout, stderr) = Cli.Run("bench", "--workloads", dir.File("w.json"), "--workload", workload, "--backend", backend,
            "--weights", weights, "--in-process");

        Assert.True(code == 0, stderr);
        string line = Assert.Single(stdout.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        bool flops = workload is "tiny-train" or "tiny-encode";
        Assert.Equal([.. Keys, .. SpreadKeys, .. flops ? FlopKeys : []], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"llmforge-{impl}", root.GetProperty("impl").GetString());
        Assert.Equal(workload, root.GetProperty("workload").GetString());
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("threads").GetInt32());
        double stepMs = root.GetProperty("step_ms_median").GetDouble();
        // printed to 0.1 ms: a warm tiny-train step (1 layer of 8, 2 × 4 tokens) can take under 0.05 ms and print 0.0
        Assert.True(stepMs >= 0, line);
        double tokensPerS = root.GetProperty("tokens_per_s").GetDouble();
        Assert.True(tokensPerS > 0, line);
        // tokens_per_s = tokens per step / median step seconds, printed to 0.1; step_ms_median is printed rounded to
        // 0.1 ms, so the true median lies within 0.05 ms of it and the tokens per step follow within those bounds
        double lowMs = Math.Max(stepMs - 0.05, 1e-6), highMs = stepMs + 0.05;
        Assert.InRange(tokensPerS, tokensPerStep / (highMs / 1000) * 0.999 - 0.05, tokensPerStep / (lowMs / 1000) * 1.001 + 0.05);
        Assert.True(root.GetProperty("peak_rss_mb").GetDouble() > 0);
        Assert.True(root.GetProperty("alloc_bytes_per_step").GetInt64() >= 0);
        double min = root.GetProperty("step_ms_min").GetDouble(), max = root.GetProperty("step_ms_max").GetDouble();
        Assert.True(min <= stepMs && stepMs <= max, line);
        if (flops)
        {
            double gflops = root.GetProperty("gflops").GetDouble(), peak = root.GetProperty("gemm_peak_gflops").GetDouble();
            Assert.True(gflops >= 0 && peak > 0, line); // a tiny model's rate prints as 0.0
            // both printed rounded: gflops to 0.05, the ratio to 0.0005
            Assert.True(Math.Abs(root.GetProperty("of_gemm_peak").GetDouble() - gflops / peak) <= 0.0005 + 0.05 / peak, line);
            Assert.Matches(@"GEMM peak [1-9][0-9.]* GFLOP/s", stderr);
        }
        Assert.Contains($"bench {workload} llmforge-{impl}: step 1/", stderr); // progress goes to stderr
        if (weights == "bf16") Assert.Contains("bfloat16 weights in ", stderr);
        if (weights == "int8") Assert.Contains("int8 (q8_0) weights in ", stderr);
        if (workload.EndsWith("llama")) Assert.Contains("llama with ", stderr); // the Llama build, not a GPT-2 of its sizes
        if (workload.EndsWith("translate")) Assert.Contains("marian encoder-decoder with ", stderr);
        if (workload.StartsWith("tiny-generate")) Assert.Matches(@"read bandwidth [1-9][0-9.]* GB/s; ceiling [0-9.]+ tokens/s \([0-9.]+ MB of weights per token\)", stderr);
    }

    [Theory]
    [InlineData("tiny-train", "managed")]
    [InlineData("tiny-encode", "mkl")]
    public void Profile_prints_the_breakdown_after_the_result_line(string workload, string backend)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("w.json"), TinyWorkloads.Json);

        var (code, stdout, stderr) = Cli.Run("bench", "--workloads", dir.File("w.json"), "--workload", workload, "--backend", backend,
            "--in-process", "--profile");

        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([.. Keys, .. SpreadKeys, .. FlopKeys], lines[0].EnumerateObject().Select(p => p.Name));
        var rows = lines.Skip(1).ToList();
        Assert.All(rows, r => Assert.Equal($"llmforge-{backend}", r.GetProperty("impl").GetString()));
        Assert.All(rows, r => Assert.Equal(workload, r.GetProperty("workload").GetString()));
        var families = rows.Where(r => r.GetProperty("kernel").GetString() is "*" or "-").ToList();
        Assert.Equal("outside-kernels", families[^1].GetProperty("family").GetString());
        Assert.True(Math.Abs(families.Sum(r => r.GetProperty("share").GetDouble()) - 1) <= 0.00005 * families.Count, stdout); // shares printed to 0.00005
        var gemm = Assert.Single(families, r => r.GetProperty("family").GetString() == "gemm");
        Assert.True(gemm.GetProperty("calls_per_step").GetDouble() > 0);
        Assert.True(gemm.GetProperty("gflops").GetDouble() > 0);
        var kernels = rows.Except(families).ToList();
        Assert.Contains(kernels, r => r.GetProperty("kernel").GetString() == "Gemm");
        // each family's time is the sum of its kernels'
        foreach (var family in families.SkipLast(1))
        {
            string name = family.GetProperty("family").GetString()!;
            var members = kernels.Where(k => k.GetProperty("family").GetString() == name).ToList();
            double sum = members.Sum(k => k.GetProperty("ms_per_step").GetDouble());
            // every figure printed rounded to 0.0005 ms
            Assert.True(Math.Abs(family.GetProperty("ms_per_step").GetDouble() - sum) <= 0.0005 * (members.Count + 1), $"{name}: {sum} ms");
        }
        Assert.Contains($"profile {workload} llmforge-{backend}: ", stderr);
        Assert.Contains("outside-kernels", stderr);
    }
}
