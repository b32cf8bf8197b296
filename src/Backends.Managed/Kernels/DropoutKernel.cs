using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Inverted dropout whose mask is a pure function of (seed, i): element i is dropped when
/// <see cref="Uniform"/>(seed, i) &lt; p. No RNG state is shared, so the mask is the same for every chunking,
/// thread count and backend that reuses this kernel.
/// </summary>
public static unsafe class DropoutKernel
{
    // splitmix64's increment (2⁶⁴/φ) and finalizer constants (Steele, Lea and Flood 2014).
    private const ulong Golden = 0x9E3779B97F4A7C15, Mix1 = 0xBF58476D1CE4E5B9, Mix2 = 0x94D049BB133111EB;

    /// <summary>mask[i] = 0 with probability p, else 1/(1 − p); y = x ⊙ mask. y may be x.</summary>
    public static void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed, int threads)
    {
        KernelChecks.Dropout(x, y, mask, p);
        // u = k·2⁻²⁴ with k the hash's top 24 bits, so u < p ⇔ k < ⌈p·2²⁴⌉ (p·2²⁴ is exact in double).
        ulong threshold = (ulong)Math.Ceiling(p * 16777216.0);
        float scale = p < 1 ? 1f / (1f - p) : 0f;
        ulong key = Mix(seed + Golden);
        fixed (float* px = x, py = y, pm = mask)
        {
            var args = new Args { X = px, Y = py, Mask = pm, Key = key, Threshold = threshold, Scale = scale };
            KernelParallel.For(x.Length, 4L * x.Length, threads, args, static (in Args a, int s, int e) =>
                Range(new ReadOnlySpan<float>(a.X + s, e - s), new Span<float>(a.Y + s, e - s), new Span<float>(a.Mask + s, e - s),
                    s, a.Key, a.Threshold, a.Scale));
        }
    }

    /// <summary>The pinned buffers and the mask's key, threshold and scale, for the chunks.</summary>
    private readonly struct Args
    {
        public float* X { get; init; }
        public float* Y { get; init; }
        public float* Mask { get; init; }
        public ulong Key { get; init; }
        public ulong Threshold { get; init; }
        public float Scale { get; init; }
    }

    /// <summary>The uniform number in [0, 1) (a multiple of 2⁻²⁴) that decides element <paramref name="index"/>.</summary>
    public static float Uniform(ulong seed, long index) => (Bits(Mix(seed + Golden), (ulong)index) >> 40) * (1f / 16777216f);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * Mix1;
        z = (z ^ (z >> 27)) * Mix2;
        return z ^ (z >> 31);
    }

    /// <summary>splitmix64's output number <paramref name="index"/> for the state <paramref name="key"/>.</summary>
    private static ulong Bits(ulong key, ulong index) => Mix(key + index * Golden);

    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ (z >>> 30)) * Vector512.Create(Mix1);
        z = (z ^ (z >>> 27)) * Vector512.Create(Mix2);
        return z ^ (z >>> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, long start, ulong key, ulong threshold, float scale)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var thresholdV = Vector512.Create(threshold);
            var keyV = Vector512.Create(key);
            var golden = Vector512.Create(Golden);
            var scaleV = Vector512.Create(scale);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var index = Vector512.Create((ulong)(start + i)) + lanes;
                var lo = Mix(keyV + index * golden) >>> 40;
                var hi = Mix(keyV + (index + Vector512.Create(8UL)) * golden) >>> 40;
                var keep = Vector512.Narrow(Vector512.GreaterThanOrEqual(lo, thresholdV), Vector512.GreaterThanOrEqual(hi, thresholdV));
                var m = Vector512.ConditionalSelect(keep.AsSingle(), scaleV, Vector512<float>.Zero);
                m.CopyTo(mask.Slice(i));
                (Vector512.Create(x.Slice(i)) * m).CopyTo(y.Slice(i));
            }
        }
        for (; i < x.Length; i++)
        {
            float m = Bits(key, (ulong)(start + i)) >> 40 >= threshold ? scale : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
}
