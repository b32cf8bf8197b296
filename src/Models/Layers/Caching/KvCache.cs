using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// One attention layer's keys and values (B, nh, slots, hs) for incremental decoding (<see cref="IKvCache"/>).
/// Two shapes of memory:
/// <list type="bullet">
/// <item><see cref="Growing"/>: every token is kept, up to a bound (the context length, since absolute positions
/// end there); the buffer grows by a quarter (in whole blocks of <see cref="SlotBlock"/> slots) as it fills.</item>
/// <item><see cref="Ring"/>: for sliding-window attention, which never looks further back than its window, only the
/// last window slots are kept (plus the prompt's padding, so no row loses a key it still sees); slot
/// <c>n mod capacity</c> takes token n, so decoding goes on past the context length in constant memory.</item>
/// </list>
/// The first append is the prefill (the whole prompt, any T): the queries attend over the new keys themselves
/// under the attention's own mask. Every later append is one token per row: its query attends over the slots
/// under a per-row key mask built from each slot's position — causal, the window, padding — since in the cache a
/// slot is not a position (padding, ring order).
/// </summary>
/// <remarks>
/// A step's view is the cache's own buffers, every allocated slot (B, nh, <see cref="Capacity"/>, hs), with the
/// slots not filled yet hidden by the key mask: nothing is copied per token, the step's tensors keep the same
/// shapes from one token to the next (so a <see cref="TensorArena"/> step reuses their buffers), and attention
/// reads at most a block or a quarter more slots than it would over the filled ones alone. The view is valid
/// until the next append (its key mask is rewritten in place).
/// </remarks>
public sealed class KvCache : ISlotKvCache
{
    /// <summary>A growing cache allocates slots in multiples of this (or up to its bound).</summary>
    public const int SlotBlock = 64;

    private readonly int maxLength;
    private readonly int ringWindow;
    private Tensor? keys;            // (B, nh, capacity, hs)
    private Tensor? values;          // (B, nh, capacity, hs)
    private int[] slotPositions = []; // [B, capacity]: the position of the token in each slot, −1 for padding or empty
    private byte[] keyValid = [];      // [B, capacity]: a step's key mask, rewritten every step
    private KvCacheView? stepView;     // what every step returns: the buffers and keyValid, until they are reallocated
    private Tensor? spareKeys, spareValues; // SelectRows' other buffers, swapped with keys and values (no allocation per step)
    private int batch, heads, headDim, capacity;

    private KvCache(int maxLength, int ringWindow)
    {
        this.maxLength = maxLength;
        this.ringWindow = ringWindow;
    }

    /// <summary>Keeps every token, at most <paramref name="maxLength"/> slots (the context length).</summary>
    public static KvCache Growing(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        return new(maxLength, ringWindow: 0);
    }

    /// <summary>Keeps the last <paramref name="window"/> slots (plus the prompt's padding), for any number of tokens.</summary>
    public static KvCache Ring(int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        return new(int.MaxValue, window);
    }

    /// <inheritdoc/>
    public int Length { get; private set; }

    /// <summary>Whether this is a ring buffer (bounded memory, unbounded length).</summary>
    public bool IsRing => ringWindow > 0;

    /// <summary>Slots that may be appended in all (int.MaxValue for a ring).</summary>
    public int MaxLength => maxLength;

    /// <inheritdoc/>
    public int Capacity => capacity;

    /// <inheritdoc/>
    public int Heads => heads;

    /// <inheritdoc/>
    public KvCacheView Append(Tensor keys, Tensor values, AttentionMaskSpec mask, TokenPositions positions)
    {
        KvCacheArguments.Check(keys, values, mask, positions, nameof(KvCache));
        if (IsRing && (mask.Window <= 0 || mask.Window > ringWindow))
            throw new ArgumentException(
                $"KvCache: a ring buffer of window {ringWindow} serves a sliding-window attention of at most that window; the mask's window is {mask.Window}.",
                nameof(mask));
        return Length == 0 ? Prefill(keys, values, mask, positions) : Step(keys, values, mask, positions);
    }

    /// <summary>
    /// Keeps rows <paramref name="rows"/> of the batch, in that order: row i becomes what row rows[i] holds now (a row
    /// may be taken several times or not at all), and the batch size becomes rows.Length. Beam search calls it after
    /// each step to follow its beams (transformers' _reorder_cache), and to give each input's beams its rows.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing appended yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row outside the batch, or no rows.</exception>
    public void SelectRows(ReadOnlySpan<int> rows)
    {
        if (keys is null || Length == 0) throw new InvalidOperationException("KvCache: SelectRows needs the rows of a prompt appended first.");
        if (rows.IsEmpty) throw new ArgumentOutOfRangeException(nameof(rows), "KvCache: SelectRows needs at least one row.");
        foreach (int row in rows)
            if ((uint)row >= (uint)batch) throw new ArgumentOutOfRangeException(nameof(rows), $"KvCache: row {row} is outside the batch of {batch}.");
        int n = rows.Length, run = heads * capacity * headDim; // one row's slots, every head
        if (spareKeys is null || spareKeys.Shape[0] != n || spareKeys.Shape[2] != capacity || spareKeys.Shape[1] != heads)
        {
            spareKeys = Tensor.Zeros(keys.Backend, n, heads, capacity, headDim);
            spareValues = Tensor.Zeros(keys.Backend, n, heads, capacity, headDim);
        }
        var positions = new int[n * capacity];
        for (int i = 0; i < n; i++)
        {
            keys.Data.AsSpan(rows[i] * run, run).CopyTo(spareKeys.Data.AsSpan(i * run));
            values!.Data.AsSpan(rows[i] * run, run).CopyTo(spareValues!.Data.AsSpan(i * run));
            slotPositions.AsSpan(rows[i] * capacity, capacity).CopyTo(positions.AsSpan(i * capacity));
        }
        (keys, spareKeys, values, spareValues) = (spareKeys, keys, spareValues, values);
        slotPositions = positions;
        if (n != batch) keyValid = new byte[n * capacity];
        batch = n;
        stepView = null; // the view held the other buffers
    }

    /// <summary>Forgets every token; the buffers are kept (and cleared) for the next prefill when it fits them.</summary>
    public void Reset()
    {
        Length = 0;
        Array.Fill(slotPositions, -1);
    }

    /// <summary>The prompt: attend over the new keys under the attention's mask; keep them (a ring: the last ones).</summary>
    private KvCacheView Prefill(Tensor k, Tensor v, AttentionMaskSpec mask, TokenPositions positions)
    {
        int t = k.Shape[2];
        if (t > maxLength)
            throw new ArgumentException($"KvCache: a prompt of {t} tokens does not fit the {maxLength} slots (the context length).", nameof(k));
        bool sameShape = keys is not null && (batch, heads, headDim) == (k.Shape[0], k.Shape[1], k.Shape[3]);
        (batch, heads, headDim) = (k.Shape[0], k.Shape[1], k.Shape[3]);
        int slots;
        if (IsRing)
        {
            // A row's padding takes slots too; with it the last window real tokens of every row stay in the ring.
            int pads = 0;
            for (int b = 0; b < batch; b++)
            {
                int rowPads = 0;
                for (int i = 0; i < t; i++) if (!positions.IsValid(b, i)) rowPads++;
                pads = Math.Max(pads, rowPads);
            }
            slots = ringWindow + pads;
        }
        else
        {
            slots = Math.Min(maxLength, RoundUpToBlock(t));
        }
        // After a Reset, the buffers serve again when they hold the prompt (a ring: exactly its slots).
        if (sameShape && (IsRing ? capacity == slots : capacity >= slots))
        {
            Array.Clear(keys!.Data);
            Array.Clear(values!.Data);
            Array.Fill(slotPositions, -1);
        }
        else
        {
            keys = values = null;
            Allocate(k.Backend, slots);
        }
        for (int i = Math.Max(0, t - capacity); i < t; i++) Write(k, v, i, SlotOf(i), positions);
        Length = t;
        return new KvCacheView(k, v, mask);
    }

    /// <summary>One token per row: store it, then attend over every slot the row's query sees.</summary>
    private KvCacheView Step(Tensor k, Tensor v, AttentionMaskSpec mask, TokenPositions positions)
    {
        if (k.Shape[2] != 1)
            throw new NotSupportedException(
                $"KvCache: after the prompt each step appends one token per row, got {k.Shape[2]} (chunked prefill is not supported).");
        if (k.Shape[0] != batch || k.Shape[1] != heads || k.Shape[3] != headDim)
            throw new ArgumentException(
                $"KvCache: keys {Shapes(k)} do not match the cached ({batch}, {heads}, ·, {headDim}).", nameof(k));
        for (int b = 0; b < batch; b++)
            if (!positions.IsValid(b, 0))
                throw new ArgumentException("KvCache: a decoding step's tokens must all be real (padding belongs to the prompt).", nameof(positions));
        if (Length >= maxLength)
            throw new InvalidOperationException($"KvCache: all {maxLength} slots (the context length) are used; start again from a cropped context.");

        int slot = SlotOf(Length);
        if (slot >= capacity) Allocate(k.Backend, Math.Min(maxLength, RoundUpToBlock(Math.Max(slot + 1, capacity + capacity / 4))));
        Write(k, v, 0, slot, positions);
        Length++;

        // For each row, which slots its query (at position p) sees: causal, and within the window when the
        // attention has one; padding and empty slots (position −1) are hidden.
        for (int b = 0; b < batch; b++)
        {
            int p = positions.At(b, 0);
            for (int j = 0; j < capacity; j++)
            {
                int q = slotPositions[b * capacity + j];
                bool visible = q >= 0 && q <= p && (mask.Window == 0 || q > p - mask.Window);
                keyValid[b * capacity + j] = visible ? (byte)1 : (byte)0;
            }
        }
        return stepView ??= new KvCacheView(keys!, values!, new AttentionMaskSpec { KeyValid = keyValid }); // (B, nh, capacity, hs)
    }

    private int SlotOf(int token) => IsRing ? token % capacity : token;

    private static int RoundUpToBlock(int slots) => (int)Math.Min(int.MaxValue, ((long)slots + SlotBlock - 1) / SlotBlock * SlotBlock);

    /// <summary>Allocates <paramref name="slots"/> slots, keeping the slots the old buffer held.</summary>
    private void Allocate(ITensorBackend backend, int slots)
    {
        var newKeys = Tensor.Zeros(backend, batch, heads, slots, headDim);
        var newValues = Tensor.Zeros(backend, batch, heads, slots, headDim);
        var newPositions = new int[batch * slots];
        Array.Fill(newPositions, -1);
        if (keys is not null)
        {
            int run = capacity * headDim; // one (b, h)'s slots
            for (int bh = 0; bh < batch * heads; bh++)
            {
                keys.Data.AsSpan(bh * run, run).CopyTo(newKeys.Data.AsSpan(bh * slots * headDim));
                values!.Data.AsSpan(bh * run, run).CopyTo(newValues.Data.AsSpan(bh * slots * headDim));
            }
            for (int b = 0; b < batch; b++)
                slotPositions.AsSpan(b * capacity, capacity).CopyTo(newPositions.AsSpan(b * slots));
        }
        (keys, values, slotPositions, capacity) = (newKeys, newValues, newPositions, slots);
        keyValid = new byte[batch * slots];
        stepView = null;
    }

    /// <summary>Copies token <paramref name="token"/> of the new (B, nh, T, hs) keys and values into <paramref name="slot"/>.</summary>
    private void Write(Tensor k, Tensor v, int token, int slot, TokenPositions positions)
    {
        int t = k.Shape[2];
        for (int bh = 0; bh < batch * heads; bh++)
        {
            long from = ((long)bh * t + token) * headDim, to = ((long)bh * capacity + slot) * headDim;
            k.Data.AsSpan((int)from, headDim).CopyTo(keys!.Data.AsSpan((int)to, headDim));
            v.Data.AsSpan((int)from, headDim).CopyTo(values!.Data.AsSpan((int)to, headDim));
        }
        for (int b = 0; b < batch; b++)
            slotPositions[b * capacity + slot] = positions.IsValid(b, token) ? positions.At(b, token) : -1;
    }

    private static string Shapes(Tensor x) => $"[{string.Join(", ", x.Shape)}]";
}
