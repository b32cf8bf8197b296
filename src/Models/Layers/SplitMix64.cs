namespace LlmForge.Layers;

/// <summary>SplitMix64's finaliser: a cheap, well-mixed 64-bit hash used to derive dropout seeds.</summary>
internal static class SplitMix64
{
    public const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for the <paramref name="index"/>-th draw of the stream <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong index) => Mix(seed + (index + 1) * Golden);
}
