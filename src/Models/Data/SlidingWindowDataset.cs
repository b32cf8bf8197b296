namespace LlmForge.Data;

/// <summary>
/// One training example: <see cref="Input"/> = ids[i .. i+T) and <see cref="Target"/> =
/// ids[i+1 .. i+T+1), the token that follows each input position. Both are views into the
/// dataset's token ids, not copies.
/// </summary>
public readonly record struct TokenWindow(ReadOnlyMemory<int> Input, ReadOnlyMemory<int> Target);

/// <summary>
/// Cuts a token-id sequence into (input, target) windows with a sliding window, like GPTDatasetV1
/// in "Build a Large Language Model (From Scratch)", ch. 2:
/// <c>for i in range(0, len(ids) - max_length, stride)</c>: input = ids[i:i+max_length],
/// target = ids[i+1:i+max_length+1]. Stride &lt; MaxLength makes windows overlap; Stride = MaxLength
/// tiles the text; Stride &gt; MaxLength skips tokens between windows.
/// </summary>
/// <remarks>The ids are held, not copied: do not modify them while the dataset is in use.</remarks>
public sealed class SlidingWindowDataset : ITokenWindowDataset
{
    private readonly ReadOnlyMemory<int> _ids;

    /// <summary>The windows of <paramref name="maxLength"/> tokens starting every <paramref name="stride"/> tokens of
    /// <paramref name="tokenIds"/> (held, not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    /// <exception cref="ArgumentException">Fewer than <paramref name="maxLength"/> + 1 tokens: not one window with
    /// its target.</exception>
    public SlidingWindowDataset(ReadOnlyMemory<int> tokenIds, int maxLength, int stride)
    {
        if (maxLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "MaxLength (context length) must be at least 1.");
        if (stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "Stride must be at least 1.");
        if (tokenIds.Length < maxLength + 1)
            throw new ArgumentException(
                $"The corpus has {tokenIds.Length} tokens, needs at least MaxLength+1 = {maxLength + 1} " +
                "(one window of inputs plus the next token as its last target).", nameof(tokenIds));
        _ids = tokenIds;
        MaxLength = maxLength;
        Stride = stride;
        // Starts i = 0, s, 2s, … with i + MaxLength < N, i.e. i <= N - MaxLength - 1.
        Count = (tokenIds.Length - maxLength - 1) / stride + 1;
    }

    /// <summary>Tokens per window (max_length, the context length T).</summary>
    public int MaxLength { get; }

    /// <summary>Distance between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>Number of windows: ⌊(N − MaxLength − 1) / Stride⌋ + 1 for N token ids.</summary>
    public int Count { get; }

    /// <summary>The token ids the windows are cut from.</summary>
    public ReadOnlyMemory<int> TokenIds => _ids;

    int ITokenWindowDataset.WindowLength => MaxLength;

    /// <summary>Window <paramref name="index"/> as views into the token ids (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0,
    /// <see cref="Count"/>).</exception>
    public TokenWindow this[int index]
    {
        get
        {
            int start = StartOf(index);
            return new TokenWindow(_ids.Slice(start, MaxLength), _ids.Slice(start + 1, MaxLength));
        }
    }

    /// <summary>Offset in <see cref="TokenIds"/> of the first input token of window <paramref name="index"/>.</summary>
    public int StartOf(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} windows (0..{Count - 1}).");
        return index * Stride;
    }

    /// <inheritdoc/>
    public void CopyWindow(int index, Span<int> input, Span<int> target)
    {
        if (input.Length != MaxLength)
            throw new ArgumentException($"input has length {input.Length}, expected MaxLength = {MaxLength}.", nameof(input));
        if (target.Length != MaxLength)
            throw new ArgumentException($"target has length {target.Length}, expected MaxLength = {MaxLength}.", nameof(target));
        var ids = _ids.Span.Slice(StartOf(index), MaxLength + 1);
        ids[..MaxLength].CopyTo(input);
        ids[1..].CopyTo(target);
    }
}
