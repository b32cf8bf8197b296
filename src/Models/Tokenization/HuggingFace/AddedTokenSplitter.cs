namespace LlmForge.Tokenization;

/// <summary>
/// Cuts text at its added tokens (the tokenizers library's <c>AddedVocabulary</c>): the leftmost match wins, the
/// longest of those starting there; <c>lstrip</c>/<c>rstrip</c> tokens swallow the whitespace beside them.
/// </summary>
internal sealed class AddedTokenSplitter(IReadOnlyList<AddedToken> tokens)
{
    /// <summary>
    /// Calls <paramref name="text"/> for each stretch of ordinary text and <paramref name="token"/> for each added
    /// token, in order; special tokens are matched only when <paramref name="allowSpecial"/>.
    /// </summary>
    public void Split(ReadOnlySpan<char> input, bool allowSpecial, Action<string> text, Action<AddedToken> token)
    {
        int at = 0;
        // next[k]: where token k next occurs at or after the last search start (int.MaxValue: nowhere), so each
        // token's occurrences are searched for once per text, not once per match (Llama 3 has 256 special tokens).
        var next = new int[tokens.Count];
        Array.Fill(next, -1);
        while (at < input.Length)
        {
            AddedToken? best = null;
            int bestAt = -1;
            for (int k = 0; k < tokens.Count; k++)
            {
                var t = tokens[k];
                if (t.Special && !allowSpecial) continue;
                if (next[k] != int.MaxValue && next[k] < at)
                {
                    int found = input[at..].IndexOf(t.Content.AsSpan(), StringComparison.Ordinal);
                    next[k] = found < 0 ? int.MaxValue : found + at;
                }
                int i = next[k];
                if (i == int.MaxValue) continue;
                if (bestAt < 0 || i < bestAt || (i == bestAt && t.Content.Length > best!.Content.Length)) { best = t; bestAt = i; }
            }
            if (best is null) break;
            int start = bestAt, end = bestAt + best.Content.Length;
            if (best.LeftStrip) while (start > at && char.IsWhiteSpace(input[start - 1])) start--;
            if (best.RightStrip) while (end < input.Length && char.IsWhiteSpace(input[end])) end++;
            if (start > at) text(input[at..start].ToString());
            token(best);
            at = end;
        }
        if (at < input.Length) text(input[at..].ToString());
    }
}
