using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>Position of a <see cref="RandomWindowSampler"/>: batches drawn so far and the seed.</summary>
public sealed record RandomWindowSamplerState(long Step, int Seed);

/// <summary>
/// nanoGPT's <c>get_batch</c>: every batch takes B windows of T tokens at independent random
/// offsets, <c>ix = torch.randint(len(data) - block_size, (batch_size,))</c>, so offsets lie in
/// [0, N − T) and each target window ids[i+1 .. i+T+1) stays inside the data. No epochs: the
/// offsets of batch s depend only on (<see cref="Seed"/>, s), which makes resume exact.
/// </summary>
public sealed class RandomWindowSampler : ITokenBatchSource
{
    private readonly ReadOnlyMemory<int> _ids;
    private readonly TokenBatch _batch;
    private readonly int[]? _starts; // the offsets a window may start at; null: any in [0, N − T)

    /// <summary>Draws <paramref name="batchSize"/> windows of <paramref name="sequenceLength"/> tokens per batch from
    /// <paramref name="tokenIds"/> (held, not copied), seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    /// <exception cref="ArgumentException">Fewer than <paramref name="sequenceLength"/> + 1 tokens: no window with
    /// its target fits.</exception>
    public RandomWindowSampler(ReadOnlyMemory<int> tokenIds, int batchSize, int sequenceLength, int seed)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "BatchSize must be at least 1.");
        if (sequenceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "SequenceLength (block_size) must be at least 1.");
        if (tokenIds.Length < sequenceLength + 1)
            throw new ArgumentException(
                $"The corpus has {tokenIds.Length} tokens, needs at least SequenceLength+1 = {sequenceLength + 1}.", nameof(tokenIds));
        _ids = tokenIds;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        Seed = seed;
        _batch = new TokenBatch(batchSize, sequenceLength);
    }

    /// <summary>
    /// As <see cref="RandomWindowSampler(ReadOnlyMemory{int}, int, int, int)"/>, every window starting at a
    /// <paramref name="startToken"/> (a newline: windows begin at line starts), drawn uniformly among those offsets.
    /// </summary>
    /// <exception cref="ArgumentException">No <paramref name="startToken"/> leaves a window with its target inside the data.</exception>
    public RandomWindowSampler(ReadOnlyMemory<int> tokenIds, int batchSize, int sequenceLength, int seed, int startToken)
        : this(tokenIds, batchSize, sequenceLength, seed)
    {
        var ids = tokenIds.Span;
        var starts = new List<int>();
        for (int i = 0; i < ids.Length - sequenceLength; i++)
            if (ids[i] == startToken) starts.Add(i);
        if (starts.Count == 0)
            throw new ArgumentException($"No token {startToken} starts a window of {sequenceLength} tokens with its target in the {ids.Length} tokens.", nameof(startToken));
        _starts = [.. starts];
    }

    /// <summary>B: windows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>T (nanoGPT's block_size).</summary>
    public int SequenceLength { get; }

    /// <summary>
    /// Seeds the offsets: batch number s is drawn from stream (Seed, s); set by <see cref="Restore"/>.
    /// </summary>
    public int Seed { get; private set; }

    /// <summary>Batches drawn so far; the next batch is drawn from stream (Seed, Step).</summary>
    public long Step { get; private set; }

    /// <summary>Number of distinct window offsets: N − T, or the start token's offsets when windows start at one.</summary>
    public int OffsetCount => _starts?.Length ?? _ids.Length - SequenceLength;

    /// <inheritdoc/>
    public TokenBatch NextBatch()
    {
        var rng = SplitMix64.Derive(Seed, Step);
        var ids = _ids.Span;
        int t = SequenceLength;
        for (int b = 0; b < BatchSize; b++)
        {
            int i = _starts is null ? rng.NextInt(OffsetCount) : _starts[rng.NextInt(OffsetCount)];
            ids.Slice(i, t).CopyTo(_batch.Inputs.AsSpan(b * t, t));
            ids.Slice(i + 1, t).CopyTo(_batch.Targets.AsSpan(b * t, t));
        }
        Step++;
        return _batch;
    }

    /// <summary>The position of the next batch (step and seed), for a checkpoint.</summary>
    public RandomWindowSamplerState GetState() => new(Step, Seed);

    /// <summary>Continues from a saved position: the next batch is the one an uninterrupted run would draw.</summary>
    /// <exception cref="ArgumentException">A negative step.</exception>
    public void Restore(RandomWindowSamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Step < 0)
            throw new ArgumentException($"The saved sampler state has a negative step ({state.Step}).", nameof(state));
        Step = state.Step;
        Seed = state.Seed;
    }
}
