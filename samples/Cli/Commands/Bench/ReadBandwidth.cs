using System.Diagnostics;
using System.Numerics;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// The memory-bandwidth ceiling of a decoding step. Generating one token at batch 1 reads every weight matrix once
/// (GEMVs), so tokens/s cannot exceed read bandwidth ÷ bytes of weights per token; the generate workloads print
/// both, so a figure can be judged against the machine rather than only against a peer.
/// </summary>
internal static class ReadBandwidth
{
    private const int Floats = 128 * 1024 * 1024; // 512 MB: far above every cache level

    /// <summary>
    /// GB/s of a streaming read on <paramref name="threads"/> threads: the best of 5 passes summing a 512 MB array
    /// with SIMD (the access pattern of a GEMV over a weight matrix). It raises the process's peak RSS, so a benchmark
    /// calls it after reporting its own.
    /// </summary>
    public static double MeasureGBps(int threads)
    {
        var data = new float[Floats];
        Array.Fill(data, 1f); // touch every page before timing
        double best = double.MaxValue;
        for (int pass = 0; pass < 5; pass++)
        {
            var clock = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                long chunk = Floats / threads, start = t * chunk, end = t == threads - 1 ? Floats : start + chunk;
                var span = data.AsSpan((int)start, (int)(end - start));
                // four accumulators, so the adds' latency does not bound the loop below the memory's speed
                Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                int w = Vector<float>.Count, i = 0;
                for (; i <= span.Length - 4 * w; i += 4 * w)
                {
                    a0 += new Vector<float>(span[i..]);
                    a1 += new Vector<float>(span[(i + w)..]);
                    a2 += new Vector<float>(span[(i + 2 * w)..]);
                    a3 += new Vector<float>(span[(i + 3 * w)..]);
                }
                float s = Vector.Sum(a0 + a1 + a2 + a3);
                for (; i < span.Length; i++) s += span[i];
                sums[t] = s;
            });
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            if (!(sums.Sum() == Floats)) throw new InvalidOperationException("read-bandwidth pass summed wrongly"); // keeps the reads alive
        }
        return (double)Floats * sizeof(float) / best / 1e9;
    }

    /// <summary>
    /// Bytes of weights one decoding step reads: every <see cref="Linear"/> weight (its int8 or bfloat16 copy when it has one)
    /// and bias — the attention and feed-forward matrices and the LM head (the token embedding itself when tied).
    /// Embedding lookups read one row, and norms a few vectors, so they are left out (well under 0.1 %).
    /// </summary>
    public static long WeightBytesPerToken(Module model)
    {
        long bytes = 0;
        foreach (var (_, module) in model.NamedModules())
            if (module is Linear linear)
                bytes += (linear.QuantizedWeight is { } int8 ? int8.Bytes
                    : linear.InferenceWeight is { } bf16 ? 2L * bf16.Data.Length : 4L * linear.Weight.Length) + 4L * (linear.Bias?.Length ?? 0);
        return bytes;
    }
}
