namespace LlmForge.Data;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny, fast, seedable generator whose whole state is
/// one <see cref="ulong"/>. The data pipeline uses it instead of <see cref="Random"/> because its
/// output is fixed by this file alone (not by a runtime version) and because a stream can be
/// derived from (seed, epoch) or (seed, step) in O(1): resuming a run needs no saved RNG state.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>
    /// An independent stream for one (seed, index) pair: e.g. (seed, epoch) for a shuffle order or
    /// (seed, step) for one batch of random offsets.
    /// </summary>
    public static SplitMix64 Derive(int seed, long index)
    {
        var root = new SplitMix64(unchecked((ulong)seed));
        ulong key = root.NextUInt64();
        return new SplitMix64(key ^ unchecked((ulong)index * 0xD1B54A32D192ED03UL));
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        ulong n = (ulong)maxExclusive;
        // Reject the lowest (2^64 mod n) values so that every residue is equally likely.
        ulong threshold = (0UL - n) % n;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % n);
        }
    }

    /// <summary>Fisher–Yates shuffle in place (every permutation equally likely).</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
