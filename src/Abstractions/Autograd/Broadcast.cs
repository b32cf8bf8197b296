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
}
