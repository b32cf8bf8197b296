using static LlmForge.Backends.Managed.ArgumentRules;

namespace LlmForge.Backends.Managed;

public static partial class KernelChecks
{
    /// <summary>The argument checks of <see cref="ITensorBackend.GemmQ8"/>: A [m, k], quants and scales of B [n, k] in blocks of 32, C [m, n].</summary>
    public static void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        AtLeast(a.Length, (long)m * k, nameof(a), $"A [m = {m}, k = {k}]");
        AtLeast(quants.Length, (long)n * Q8Blocks.PaddedLength(k), nameof(quants), $"B [n = {n}, k = {k}] in blocks of {Q8Blocks.BlockSize}");
        AtLeast(scales.Length, (long)n * Q8Blocks.BlocksPerRow(k), nameof(scales), $"B [n = {n}, k = {k}]'s scales, one per block");
        AtLeast(c.Length, (long)m * n, nameof(c), $"C [m = {m}, n = {n}]");
    }
}
