namespace LlmForge.Tokenization;

/// <summary>
/// <see cref="WordPieceTrainer"/>'s incremental state: the distinct words as symbol-id sequences (merged in
/// place), how often each symbol and each adjacent pair occurs over the corpus (word count × occurrences),
/// and which words hold each pair.
/// </summary>
internal sealed class WordPiecePairIndex
{
    private readonly int[][] _symbols;   // word → symbol ids (live prefix of _lengths[w])
    private readonly int[] _lengths;
    private readonly long[] _wordCounts;
    private readonly List<long> _symbolCounts;
    private readonly Dictionary<long, long> _pairCounts = new();
    private readonly Dictionary<long, List<int>> _wordsWith = new(); // may list a word twice or one that lost the pair: visits are checked
    private readonly int[] _visited;
    private int _step;

    public WordPiecePairIndex(int[][] symbols, long[] wordCounts, int vocabularySize)
    {
        _symbols = symbols;
        _wordCounts = wordCounts;
        _lengths = Array.ConvertAll(symbols, s => s.Length);
        _symbolCounts = [.. new long[vocabularySize]];
        _visited = new int[symbols.Length];
        for (int w = 0; w < symbols.Length; w++)
        {
            int[] s = symbols[w];
            for (int i = 0; i < s.Length; i++)
            {
                _symbolCounts[s[i]] += wordCounts[w];
                if (i + 1 < s.Length) AddPair(Pair(s[i], s[i + 1]), wordCounts[w], w);
            }
        }
    }

    /// <summary>The best pair seen at least <paramref name="minCount"/> times (see <see cref="WordPieceTrainer"/> for the order).</summary>
    public bool TryFindBest(WordPieceMergeScore score, int minCount, out int left, out int right)
    {
        long best = -1, bestCount = 0;
        double bestScore = double.NegativeInfinity;
        foreach (var (pair, count) in _pairCounts)
        {
            if (count < minCount) continue;
            double s = score == WordPieceMergeScore.Frequency
                ? count
                : count / ((double)_symbolCounts[(int)(pair >> 32)] * _symbolCounts[(int)pair]);
            if (s > bestScore || (s == bestScore && (count > bestCount || (count == bestCount && pair < best))))
            {
                (best, bestCount, bestScore) = (pair, count, s);
            }
        }
        (left, right) = best < 0 ? (-1, -1) : ((int)(best >> 32), (int)best);
        return best >= 0;
    }

    /// <summary>Replaces every (left, right) by <paramref name="merged"/> in the words holding it, updating the counts.</summary>
    public void Merge(int left, int right, int merged)
    {
        while (_symbolCounts.Count <= merged) _symbolCounts.Add(0);
        long target = Pair(left, right);
        _step++;
        _wordsWith.Remove(target, out var holders);
        foreach (int w in holders!)
        {
            if (_visited[w] == _step) continue;
            _visited[w] = _step;
            int[] s = _symbols[w];
            int n = _lengths[w];
            long c = _wordCounts[w];
            for (int i = 0; i + 1 < n; i++)
            {
                long pair = Pair(s[i], s[i + 1]);
                if ((_pairCounts[pair] -= c) == 0) _pairCounts.Remove(pair); // keeps the scan short
            }

            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (i + 1 < n && s[i] == left && s[i + 1] == right)
                {
                    s[m++] = merged;
                    i++;
                    _symbolCounts[left] -= c;
                    _symbolCounts[right] -= c;
                    _symbolCounts[merged] += c;
                }
                else s[m++] = s[i];
            }
            _lengths[w] = m;
            for (int i = 0; i + 1 < m; i++) AddPair(Pair(s[i], s[i + 1]), c, w);
        }
    }

    private void AddPair(long pair, long count, int word)
    {
        _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + count;
        if (!_wordsWith.TryGetValue(pair, out var list)) _wordsWith[pair] = list = [];
        if (list.Count == 0 || list[^1] != word) list.Add(word);
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;
}
