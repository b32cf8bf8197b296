namespace LlmForge.Data;

/// <summary>
/// A dataset of fixed-length next-token examples: item i is an input window of
/// <see cref="WindowLength"/> token ids and the same window shifted by one token (the targets).
/// </summary>
public interface ITokenWindowDataset
{
    /// <summary>Number of windows.</summary>
    int Count { get; }

    /// <summary>Tokens per window (T, the context length).</summary>
    int WindowLength { get; }

    /// <summary>Copies window <paramref name="index"/> into <paramref name="input"/> and
    /// <paramref name="target"/>, each exactly <see cref="WindowLength"/> long.</summary>
    void CopyWindow(int index, Span<int> input, Span<int> target);
}
