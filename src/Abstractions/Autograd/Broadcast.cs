namespace LlmForge.Autograd;

/// <summary>The one broadcast rule the ops support: a smaller tensor repeated over a larger one's leading dims.</summary>
internal static class Broadcast
{
    /// <summary>
    /// Whether <paramref name="small"/>, without its leading 1s, is a suffix of <paramref name="big"/>
    /// (so big reads as [rows, small.Length]). A scalar is a suffix of anything.
    /// </summary>
    public static bool IsSuffix(ReadOnlySpan<int> small, ReadOnlySpan<int> big)
    {
        int skip = 0;
        while (skip < small.Length && small[skip] == 1) skip++;
        var core = small[skip..];
        if (core.Length > big.Length) return false;
        // big must not be smaller than small overall (e.g. small [1,1,3] vs big [3] keeps big's shape otherwise)
        if (small.Length > big.Length) return false;
        return big[^core.Length..].SequenceEqual(core);
    }

    /// <summary>
    /// Whether <paramref name="small"/> is <paramref name="big"/>'s shape with the last dim 1 ([.., 1] against
    /// [.., C], C &gt; 1): one value per row of big, PyTorch's keepdim broadcast.
    /// </summary>
    public static bool IsPerRow(ReadOnlySpan<int> small, ReadOnlySpan<int> big) =>
        small.Length == big.Length && small.Length > 0 && small[^1] == 1 && big[^1] > 1 && small[..^1].SequenceEqual(big[..^1]);
}
