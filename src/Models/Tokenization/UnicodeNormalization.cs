using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// Unicode canonical normalization, NFD and NFC (UAX #15), over the tables of <see cref="UnicodeNormalizationData"/>.
/// </summary>
/// <remarks>
/// LlmForge runs with <c>InvariantGlobalization</c>, where .NET's <see cref="string.Normalize()"/> leaves
/// non-ASCII text untouched; BERT's tokenizer needs both forms (NFC of the input, NFD to strip accents), so they
/// are implemented here: full canonical decomposition (recursive, Hangul syllables algorithmically), canonical
/// ordering of combining marks by class (a stable sort), and canonical composition of unblocked pairs.
/// </remarks>
internal static class UnicodeNormalization
{
    // Hangul syllable arithmetic (Unicode §3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Tables.Build);

    public static string Nfd(string text)
    {
        if (IsAscii(text)) return text;
        var runes = new List<int>(text.Length + 8);
        foreach (Rune r in BertCharacters.Runes(text)) Decompose(r.Value, runes);
        Reorder(runes);
        return ToString(runes);
    }

    public static string Nfc(string text)
    {
        if (IsAscii(text)) return text;
        var runes = new List<int>(text.Length + 8);
        foreach (Rune r in BertCharacters.Runes(text)) Decompose(r.Value, runes);
        Reorder(runes);
        Compose(runes);
        return ToString(runes);
    }

    /// <summary>The canonical combining class (0 for starters).</summary>
    public static int CombiningClass(int cp) => Data.Value.CombiningClass.GetValueOrDefault(cp);

    private static void Decompose(int cp, List<int> output)
    {
        int s = cp - SBase;
        if ((uint)s < SCount)
        {
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if (Data.Value.Decomposition.TryGetValue(cp, out var parts))
        {
            Decompose(parts.First, output);
            if (parts.Second != 0) Decompose(parts.Second, output);
            return;
        }
        output.Add(cp);
    }

    // Canonical ordering: within each run of non-starters, a stable sort by combining class (insertion sort; runs are short).
    private static void Reorder(List<int> runes)
    {
        for (int i = 1; i < runes.Count; i++)
        {
            int cp = runes[i], ccc = CombiningClass(cp);
            if (ccc == 0) continue;
            int j = i;
            while (j > 0 && CombiningClass(runes[j - 1]) > ccc)
            {
                runes[j] = runes[j - 1];
                j--;
            }
            runes[j] = cp;
        }
    }

    // Canonical composition: each character joins the last starter if nothing between them blocks it
    // (a starter, or a mark of the same or a higher class).
    private static void Compose(List<int> runes)
    {
        int starter = -1, lastClass = 0, count = 0;
        for (int i = 0; i < runes.Count; i++)
        {
            int cp = runes[i], ccc = CombiningClass(cp);
            bool adjacent = starter == count - 1;
            if (starter >= 0 && (adjacent || (lastClass != 0 && lastClass < ccc)) && TryCompose(runes[starter], cp, out int composite))
            {
                runes[starter] = composite;
                continue;
            }
            if (ccc == 0) starter = count;
            lastClass = ccc;
            runes[count++] = cp;
        }
        runes.RemoveRange(count, runes.Count - count);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if ((uint)l < LCount && (uint)v < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;
            return true;
        }
        int s = first - SBase, t = second - TBase;
        if ((uint)s < SCount && s % TCount == 0 && t > 0 && t < TCount)
        {
            composite = first + t;
            return true;
        }
        return Data.Value.Composition.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private static bool IsAscii(string text) => Ascii.IsValid(text);

    private static string ToString(List<int> runes)
    {
        var sb = new StringBuilder(runes.Count);
        foreach (int cp in runes) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    private sealed class Tables
    {
        public required Dictionary<int, (int First, int Second)> Decomposition { get; init; }
        public required Dictionary<long, int> Composition { get; init; }
        public required Dictionary<int, int> CombiningClass { get; init; }

        public static Tables Build()
        {
            var decomposition = new Dictionary<int, (int, int)>();
            var composition = new Dictionary<long, int>();
            var excluded = new HashSet<int>();
            foreach (int cp in UnicodeNormalizationData.CompositionExclusions) excluded.Add(cp);
            var d = UnicodeNormalizationData.Decompositions;
            for (int i = 0; i < d.Length; i += 3)
            {
                decomposition[d[i]] = (d[i + 1], d[i + 2]);
                if (d[i + 2] != 0 && !excluded.Contains(d[i]))
                    composition[((long)d[i + 1] << 21) | (uint)d[i + 2]] = d[i];
            }
            var classes = new Dictionary<int, int>();
            var c = UnicodeNormalizationData.CombiningClasses;
            for (int i = 0; i < c.Length; i += 3)
                for (int cp = c[i]; cp <= c[i + 1]; cp++) classes[cp] = c[i + 2];
            return new Tables { Decomposition = decomposition, Composition = composition, CombiningClass = classes };
        }
    }
}
