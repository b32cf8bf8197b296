using System.Diagnostics;

namespace LlmForge.Backends.Profiling;

/// <summary>
/// The GEMM peak of a backend as it is configured (its threads): the best GFLOP/s of a few products C = A·B of the
/// given shapes, each run a few times after one untimed call. The yardstick for "how close to the peak" a workload
/// runs: measured in the same process, on the same threads, right before or after it.
/// </summary>
public static class GemmPeak
{
    /// <summary>A large square product and GPT-2 small's MLP projection of 512 tokens.</summary>
    public static IReadOnlyList<(int M, int N, int K)> DefaultShapes { get; } = [(1024, 1024, 1024), (512, 3072, 768)];

    /// <summary>Best GFLOP/s over <paramref name="shapes"/> (default <see cref="DefaultShapes"/>), <paramref name="repeats"/> timed calls each.</summary>
    public static double MeasureGflops(ITensorBackend backend, IReadOnlyList<(int M, int N, int K)>? shapes = null, int repeats = 5)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        double best = 0;
        var rng = new Random(1234);
        foreach (var (m, n, k) in shapes ?? DefaultShapes)
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = rng.NextSingle() - 0.5f;
            for (int i = 0; i < b.Length; i++) b[i] = rng.NextSingle() - 0.5f;
            backend.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n); // JIT, packing buffers, page faults
            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                backend.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, 2.0 * m * n * k / seconds / 1e9);
            }
        }
        return best;
    }
}
