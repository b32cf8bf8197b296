namespace LlmForge.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny, fast, seedable generator whose whole state is one
/// <see cref="ulong"/>, and its finaliser <see cref="Mix"/>, a cheap well-mixed 64-bit hash. The data pipeline
/// (shuffles, window offsets, MLM masks) and dropout use it instead of <see cref="System.Random"/> because its output
/// is fixed by this file alone (not by a runtime version) and because a stream can be derived from (seed, epoch),
/// (seed, step) or (seed, call) in O(1): resuming a run needs no saved RNG state.
/// </summary>
public struct SplitMix64
{
    /// <summary>The increment of the state per draw: 2⁶⁴ / φ, odd, so the state runs through every value.</summary>
    public const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;

    private ulong _state;

    /// <summary>A generator whose first draw is <c>Mix(seed + Golden)</c>.</summary>
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

    /// <summary>
    /// One 64-bit value for the <paramref name="index"/>-th draw of the stream <paramref name="seed"/>: the
    /// (index + 1)-th output of <c>new SplitMix64(seed)</c>, computed in O(1) (dropout's per-call mask seed).
    /// </summary>
    public static ulong DeriveSeed(ulong seed, ulong index) => Mix(unchecked(seed + (index + 1) * Golden));

    /// <summary>SplitMix64's finaliser: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64() => Mix(_state += Golden);

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
