using LlmForge.Cli.Hosting;
using System.Diagnostics;
using System.Globalization;
using LlmForge.Backends;
using LlmForge.Backends.Mkl;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// GFLOPS of C = A·B (row-major, no transposes, alpha 1, beta 0) for the GPT-2-small shapes: attention
/// and MLP projections of 256 tokens and the 50257-word LM head. The implementations run interleaved, on
/// the same inputs and on every core; each reports the median of its timed samples after a warm-up.
/// </summary>
internal static class GemmBenchmark
{
    internal static readonly (int M, int N, int K)[] Shapes =
        [(256, 256, 256), (768, 768, 768), (256, 3072, 768), (256, 768, 3072), (256, 50257, 768)];

    /// <summary>Calls per sample are chosen so one sample lasts about this long (steadier small shapes).</summary>
    private const double SampleSeconds = 0.05;

    /// <summary>One implementation under test: its name in the JSON and how it multiplies.</summary>
    private sealed record Implementation(string Name, GemmCall Call);

    private delegate void GemmCall(int m, int n, int k, float[] a, float[] b, float[] c);

    internal static int Run(string backend, int repeat, TextWriter output, TextWriter progress)
    {
        int threads = Environment.ProcessorCount;
        var implementations = Create(backend, threads, progress);
        if (implementations is null) return 1;
        bool agree = true;
        foreach (var (m, n, k) in Shapes)
        {
            var rng = new Random(1234);
            var a = Uniform(rng, m * k);
            var b = Uniform(rng, k * n);
            var results = implementations.Select(_ => new float[m * n]).ToArray();
            progress.WriteLine($"gemm {m}x{n}x{k}: {string.Join(", ", implementations.Select(i => i.Name))}");

            var calls = new int[implementations.Count];
            for (int i = 0; i < implementations.Count; i++)
            {
                implementations[i].Call(m, n, k, a, b, results[i]); // first call: JIT, MKL buffers, page faults
                double once = Time(implementations[i], m, n, k, a, b, results[i], 1);
                calls[i] = Math.Max(1, (int)(SampleSeconds / once));
            }
            var samples = implementations.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < repeat; r++)
            {
                for (int i = 0; i < implementations.Count; i++)
                    samples[i].Add(Time(implementations[i], m, n, k, a, b, results[i], calls[i]));
            }
            for (int i = 0; i < implementations.Count; i++)
            {
                double gflops = 2.0 * m * n * k / Median(samples[i]) / 1e9;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"impl\":\"{implementations[i].Name}\",\"workload\":\"gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"gflops\":{gflops:F1}}}"));
                if (i > 0) agree &= Agrees(implementations[0].Name, results[0], implementations[i].Name, results[i], k, progress);
            }
            output.Flush();
        }
        return agree ? 0 : 1;
    }

    private static List<Implementation>? Create(string backend, int threads, TextWriter progress)
    {
        var list = new List<Implementation>();
        try
        {
            if (backend is "managed" or "both") list.Add(FromBackend("llmforge-managed", BackendFactory.Create("Managed"), threads));
            if (backend is "mkl" or "both")
            {
                var mkl = BackendFactory.Create("Mkl"); // loads and configures libmkl_rt.so before the raw calls
                list.Add(FromBackend("llmforge-mkl", mkl, threads));
                var cblas = (MklBackend)mkl; // cblas_sgemm with nothing in between, at the threads FromBackend set
                list.Add(new("mkl-cblas", (m, n, k, a, b, c) => cblas.CblasSgemm(m, n, k, a, b, c)));
                progress.WriteLine($"{MklBackend.MklVersion}; threading layer {MklBackend.MklThreadingLayer}; reproducibility {MklBackend.MklReproducibility}; cpu dispatch {MklBackend.MklCpuDispatch}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or CliException)
        {
            progress.WriteLine($"llmforge bench: {e.Message}");
            return null;
        }
        progress.WriteLine($"threads: {threads}");
        return list;
    }

    private static Implementation FromBackend(string name, ITensorBackend backend, int threads)
    {
        backend.Threads = threads;
        return new(name, (m, n, k, a, b, c) => backend.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n));
    }

    /// <summary>Seconds per call, averaged over <paramref name="calls"/> back-to-back calls.</summary>
    private static double Time(Implementation impl, int m, int n, int k, float[] a, float[] b, float[] c, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) impl.Call(m, n, k, a, b, c);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    private static float[] Uniform(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() * 2f - 1f;
        return values;
    }

    /// <summary>A fast kernel that computes the wrong thing is no result: compare every output with the first.</summary>
    private static bool Agrees(string referenceName, float[] reference, string name, float[] result, int k, TextWriter progress)
    {
        double worst = 0;
        for (int i = 0; i < reference.Length; i++) worst = Math.Max(worst, Math.Abs(reference[i] - result[i]));
        // Entries are sums of k products of values in [-1, 1]: float rounding stays far below k · 1e-5.
        bool ok = worst <= k * 1e-5;
        if (!ok) progress.WriteLine($"llmforge bench: {name} differs from {referenceName} by up to {worst:g3}");
        return ok;
    }
}
