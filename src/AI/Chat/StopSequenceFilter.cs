using System.Text;

namespace LlmForge.AI.Chat;

/// <summary>
/// Streams text up to the first stop sequence, never showing any part of it: text that could be the start of a stop
/// sequence is held back until the next piece tells whether it is one. The pieces returned, concatenated, are the
/// text before the first stop sequence (all of it when none occurs).
/// </summary>
internal sealed class StopSequenceFilter
{
    private readonly string[] _stops;
    private readonly StringBuilder _pending = new();

    public StopSequenceFilter(IEnumerable<string> stops) => _stops = [.. stops.Where(s => s.Length > 0).Distinct()];

    /// <summary>True once a stop sequence was seen: nothing more is returned.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a piece; returns the text now known to precede any stop sequence ("" when all is held back).</summary>
    public string Push(string piece)
    {
        if (Stopped) return "";
        _pending.Append(piece);
        string text = _pending.ToString();
        int stop = FirstStop(text);
        if (stop >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return text[..stop];
        }
        int emit = text.Length - HeldBack(text);
        if (emit > 0 && char.IsHighSurrogate(text[emit - 1])) emit--; // never half a surrogate pair
        _pending.Remove(0, emit);
        return text[..emit];
    }

    /// <summary>At the end of generation: the held-back text (it was no stop sequence after all).</summary>
    public string Flush()
    {
        if (Stopped) return "";
        string rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    private int FirstStop(string text)
    {
        int first = -1;
        foreach (string stop in _stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that a stop sequence starts with.</summary>
    private int HeldBack(string text)
    {
        int longest = 0;
        foreach (string stop in _stops)
            for (int n = Math.Min(stop.Length - 1, text.Length); n > longest; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n))) { longest = n; break; }
        return longest;
    }
}
