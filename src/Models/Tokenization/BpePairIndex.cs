namespace LlmForge.Tokenization;

/// <summary>
/// <see cref="BpeTrainer"/>'s incremental state: how often each adjacent pair occurs over the
/// corpus (word count × occurrences in the word), which words hold it, and a max-heap to find the
/// most frequent pair.
/// </summary>
internal sealed class BpePairIndex
{
    private readonly BpeWordCounts _words;
    private readonly Dictionary<long, long> _count = new();
    private readonly Dictionary<long, List<int>> _wordsWith = new();
    // Max-heap by (count desc, left asc, right asc) with lazy deletion: an entry's count may be stale.
    private readonly PriorityQueue<long, (long Count, long Pair)> _heap = new(BestFirst.Instance);
    private readonly int[] _visited;
    private int _step;

    public BpePairIndex(BpeWordCounts words)
    {
        _words = words;
        _visited = new int[words.Symbols.Count];
        for (int w = 0; w < words.Symbols.Count; w++)
        {
            int[] s = words.Symbols[w];
            for (int i = 0; i + 1 < words.Lengths[w]; i++)
            {
                long pair = Pair(s[i], s[i + 1]);
                _count[pair] = _count.GetValueOrDefault(pair) + words.Counts[w];
                AddWord(pair, w);
            }
        }
        foreach (var (pair, count) in _count) _heap.Enqueue(pair, (count, pair));
    }

    /// <summary>The most frequent pair, if it occurs at least <paramref name="minCount"/> times.</summary>
    public bool TryTakeBest(int minCount, out int left, out int right)
    {
        while (_heap.TryDequeue(out long pair, out var queued))
        {
            long current = _count.GetValueOrDefault(pair);
            if (current != queued.Count)
            {
                if (current > 0) _heap.Enqueue(pair, (current, pair)); // stale: requeue at its true count
                continue;
            }
            if (current < minCount) break;
            (left, right) = ((int)(pair >> 32), (int)pair);
            return true;
        }
        left = right = -1;
        return false;
    }

    /// <summary>Replaces every (left, right) by <paramref name="merged"/> in the words holding it, updating the counts.</summary>
    public void Merge(int left, int right, int merged)
    {
        long target = Pair(left, right);
        var created = new HashSet<long>();
        _step++;
        foreach (int w in _wordsWith[target])
        {
            if (_visited[w] == _step) continue;
            _visited[w] = _step;
            int[] s = _words.Symbols[w];
            int n = _words.Lengths[w];
            long c = _words.Counts[w];

            for (int i = 0; i + 1 < n; i++) _count[Pair(s[i], s[i + 1])] -= c;
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (i + 1 < n && s[i] == left && s[i + 1] == right) { s[m++] = merged; i++; }
                else s[m++] = s[i];
            }
            _words.Lengths[w] = m;
            for (int i = 0; i + 1 < m; i++)
            {
                long pair = Pair(s[i], s[i + 1]);
                _count[pair] = _count.GetValueOrDefault(pair) + c;
                if (s[i] == merged || s[i + 1] == merged) { AddWord(pair, w); created.Add(pair); }
            }
        }
        _wordsWith.Remove(target);
        _count.Remove(target);
        foreach (long pair in created) _heap.Enqueue(pair, (_count[pair], pair));
    }

    private void AddWord(long pair, int w)
    {
        if (!_wordsWith.TryGetValue(pair, out var list)) _wordsWith[pair] = list = [];
        if (list.Count == 0 || list[^1] != w) list.Add(w);
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;

    private sealed class BestFirst : IComparer<(long Count, long Pair)>
    {
        public static readonly BestFirst Instance = new();
        public int Compare((long Count, long Pair) x, (long Count, long Pair) y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair); // ids ≥ 0: pair order = (left, right) order
    }
}
