namespace LlmForge.Tokenization;

/// <summary>
/// The BPE merge rules over token ids: pair (left, right) → (rank, merged id), rank = line order in
/// <c>merges.txt</c> (lower merges first). <see cref="Apply"/> runs GPT-2's <c>bpe()</c> on one
/// pre-token: repeatedly merge the lowest-ranked adjacent pair, leftmost occurrence first, until no
/// adjacent pair has a rule.
/// </summary>
/// <remarks>
/// GPT-2's Python merges every occurrence of the best pair in one left-to-right pass; merging them
/// one at a time leftmost-first gives the same result, because a merge never re-creates the pair it
/// consumed. A priority queue of (rank, position) over a linked list of symbols makes a pre-token of
/// n bytes cost O(n log n) instead of the reference's O(n²) (a 100k-space run stays fast).
/// </remarks>
internal sealed class BpeMergeTable
{
    private readonly Dictionary<long, (int Rank, int Merged)> _rules;

    public BpeMergeTable(int capacity) => _rules = new Dictionary<long, (int, int)>(capacity);

    public int Count => _rules.Count;

    /// <summary>Adds a rule; false if the pair already has one (the earlier, lower rank is kept).</summary>
    public bool TryAdd(int left, int right, int rank, int merged) => _rules.TryAdd(Key(left, right), (rank, merged));

    [ThreadStatic] private static Workspace? _workspace;

    /// <summary>Merges <paramref name="symbols"/> in place; returns the number of symbols left at its start.</summary>
    public int Apply(Span<int> symbols)
    {
        int n = symbols.Length;
        if (n < 2) return n;
        var ws = _workspace ??= new Workspace();
        ws.Reset(n);
        int[] next = ws.Next, prev = ws.Prev;
        var queue = ws.Queue;
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
        for (int i = 0; i + 1 < n; i++) Push(queue, symbols, i, i + 1);

        while (queue.TryDequeue(out int pos, out long priority))
        {
            int right = next[pos];
            if (symbols[pos] < 0 || right < 0) continue; // symbol merged away or now last: stale
            if (!_rules.TryGetValue(Key(symbols[pos], symbols[right]), out var rule) || rule.Rank != (int)(priority >> 32))
                continue; // the pair at pos changed since this entry was queued
            symbols[pos] = rule.Merged;
            symbols[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) prev[next[pos]] = pos;
            if (prev[pos] >= 0) Push(queue, symbols, prev[pos], pos);
            if (next[pos] >= 0) Push(queue, symbols, pos, next[pos]);
        }

        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) symbols[count++] = symbols[i];
        return count;
    }

    private void Push(PriorityQueue<int, long> queue, Span<int> symbols, int left, int right)
    {
        if (_rules.TryGetValue(Key(symbols[left], symbols[right]), out var rule))
            queue.Enqueue(left, ((long)rule.Rank << 32) | (uint)left); // lowest rank, then leftmost
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private sealed class Workspace
    {
        public int[] Next = new int[64], Prev = new int[64];
        public readonly PriorityQueue<int, long> Queue = new();

        public void Reset(int n)
        {
            if (Next.Length < n) { Next = new int[n * 2]; Prev = new int[n * 2]; }
            Queue.Clear();
        }
    }
}
