namespace LlmForge.Evaluation;

/// <summary>N-gram counting shared by <see cref="Bleu"/> (over 13a words) and <see cref="ChrF"/> (over characters).</summary>
internal static class NGrams
{
    /// <summary>
    /// Counts of the n-grams of <paramref name="units"/> (words, or characters as strings), each keyed by its units
    /// joined with U+0001, a control character translations do not hold, so that two n-grams share a key only if equal.
    /// </summary>
    public static Dictionary<string, int> Count(string[] units, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= units.Length; i++)
        {
            string gram = string.Join('\u0001', units, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }
}
