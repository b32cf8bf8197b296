using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// Batches a <see cref="ITokenWindowDataset"/> like PyTorch's <c>DataLoader(dataset, batch_size,
/// shuffle, drop_last)</c>, deterministically: epoch e visits the windows in an order derived
/// from (<see cref="Seed"/>, e) alone, so the same seed gives the same batches on every run and
/// machine, and <see cref="GetState"/> / <see cref="Restore"/> resume mid-epoch exactly.
/// </summary>
/// <remarks>
/// <see cref="NextBatch"/> runs forever (training by steps), wrapping into the next epoch with a
/// fresh order; <see cref="ReadEpoch"/> yields the rest of the current epoch (training by epochs,
/// or one pass over validation data). Returned batches are reused buffers: valid until the next call.
/// </remarks>
public sealed class DataLoader : ITokenBatchSource
{
    private readonly ITokenWindowDataset _dataset;
    private readonly int[] _order;      // window indices in this epoch's visiting order
    private int _orderEpoch = -1;       // epoch _order was built for
    private TokenBatch? _full;          // (BatchSize, T), reused
    private TokenBatch? _tail;          // the smaller last batch when !DropLast, reused

    /// <summary>Batches of <paramref name="batchSize"/> windows of <paramref name="dataset"/>, in dataset order or
    /// shuffled per epoch from <paramref name="seed"/>.</summary>
    /// <param name="dataset">The windows; held, not copied.</param>
    /// <param name="batchSize">B, windows per batch (≥ 1).</param>
    /// <param name="shuffle">Visit the windows in a new seeded order each epoch (PyTorch's shuffle=True).</param>
    /// <param name="seed">Seeds the shuffle orders.</param>
    /// <param name="dropLast">Skip each epoch's last, smaller batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, or <paramref name="dropLast"/> would leave no batch
    /// at all.</exception>
    public DataLoader(ITokenWindowDataset dataset, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "BatchSize must be at least 1.");
        if (dataset.Count < 1)
            throw new ArgumentException("The dataset has no windows.", nameof(dataset));
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        BatchesPerEpoch = dropLast ? dataset.Count / batchSize : (dataset.Count + batchSize - 1) / batchSize;
        if (BatchesPerEpoch == 0)
            throw new ArgumentException(
                $"The dataset has {dataset.Count} windows, fewer than BatchSize = {batchSize}, and DropLast drops " +
                "the only (partial) batch: lower the batch size, use more text, or turn DropLast off.", nameof(batchSize));
        _order = new int[dataset.Count];
    }

    /// <summary>The windows batched.</summary>
    public ITokenWindowDataset Dataset => _dataset;

    /// <summary>B: windows per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the windows in a fresh seeded order (else in dataset order).</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffle orders (ignored without <see cref="Shuffle"/>); set by <see cref="Restore"/>.</summary>
    public int Seed { get; private set; }

    /// <summary>Drop the last, incomplete batch of each epoch (as PyTorch's <c>drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>Batches in one epoch: ⌈windows / B⌉, or ⌊windows / B⌋ with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Epoch of the next batch (0-based).</summary>
    public int Epoch { get; private set; }

    /// <summary>Index within <see cref="Epoch"/> of the next batch, in [0, <see cref="BatchesPerEpoch"/>).</summary>
    public int BatchIndex { get; private set; }

    /// <summary>The next batch; after the last batch of an epoch, moves on to the next epoch.</summary>
    public TokenBatch NextBatch()
    {
        EnsureOrder();
        int first = BatchIndex * BatchSize;
        int rows = Math.Min(BatchSize, _order.Length - first);
        int t = _dataset.WindowLength;
        TokenBatch batch = rows == BatchSize
            ? _full ??= new TokenBatch(BatchSize, t)
            : _tail ??= new TokenBatch(rows, t);
        for (int r = 0; r < rows; r++)
            _dataset.CopyWindow(_order[first + r], batch.Inputs.AsSpan(r * t, t), batch.Targets.AsSpan(r * t, t));

        if (++BatchIndex == BatchesPerEpoch)
        {
            BatchIndex = 0;
            Epoch++;
        }
        return batch;
    }

    /// <summary>The remaining batches of the current epoch (all of them when at its start).</summary>
    public IEnumerable<TokenBatch> ReadEpoch()
    {
        int epoch = Epoch;
        do yield return NextBatch();
        while (Epoch == epoch);
    }

    /// <summary>
    /// The position of the next batch (epoch, index, seed), for a checkpoint; <see cref="Restore"/> continues from it.
    /// </summary>
    public DataLoaderState GetState() => new(Epoch, BatchIndex, Seed, BatchesPerEpoch);

    /// <summary>Continues from a saved position (its seed included).</summary>
    public void Restore(DataLoaderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.BatchesPerEpoch != BatchesPerEpoch)
            throw new ArgumentException(
                $"The saved data-loader state has {state.BatchesPerEpoch} batches per epoch but this loader has " +
                $"{BatchesPerEpoch} ({_dataset.Count} windows, BatchSize {BatchSize}, DropLast {DropLast}): " +
                "resume with the same corpus, context length, stride and batch size.", nameof(state));
        if (state.Epoch < 0)
            throw new ArgumentException($"The saved data-loader state has a negative epoch ({state.Epoch}).", nameof(state));
        if ((uint)state.BatchIndex >= (uint)BatchesPerEpoch)
            throw new ArgumentException(
                $"The saved data-loader state has batch index {state.BatchIndex}, outside [0, {BatchesPerEpoch}).", nameof(state));
        Epoch = state.Epoch;
        BatchIndex = state.BatchIndex;
        Seed = state.Seed;
        _orderEpoch = -1;
    }

    private void EnsureOrder()
    {
        if (_orderEpoch == Epoch) return;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle)
        {
            var rng = SplitMix64.Derive(Seed, Epoch);
            rng.Shuffle(_order);
        }
        _orderEpoch = Epoch;
    }
}
