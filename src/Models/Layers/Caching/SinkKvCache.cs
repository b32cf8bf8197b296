using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// StreamingLLM's KV cache (Xiao et al. 2023, "Efficient Streaming Language Models with Attention Sinks") for one
/// attention layer with rotary positions: the keys and values of the first <see cref="Sinks"/> tokens of each row
/// (the "attention sinks") and of its last <see cref="Window"/> tokens (the current one included), in
/// S + W slots, so decoding goes on without end at constant memory and constant work per token. With no sinks it
/// is the plain rolling window.
/// </summary>
/// <remarks>
/// <para>Slots: token p of a row (its position, padding not counted) takes slot p when p &lt; S, else slot
/// S + (p − S) mod W, overwriting the token W back — the one leaving the window.</para>
/// <para>Positions are assigned inside the cache: the keys a query sees, in order, sit at 0, 1, …, n − 1 and the
/// query at n − 1, so the model never meets a distance larger than S + W − 1 (a model trained on context
/// S + W sees only distances it knows). Rotary makes q·k depend on the distance only, so the attention may turn q and
/// k at their absolute positions p as usual: a window key is then at its true distance from the query, which is
/// also its distance in the cache, and only the sinks are wrong — they are re-rotated here. Their keys are kept
/// as the attention gave them (turned at their positions j) and, at each step, turned further by
/// δ = p − (n − 1), the query's absolute position minus its cache position, so that they sit at j + δ, at
/// distance (n − 1) − j from the query: their cache distance. That costs S rotations per layer per step.</para>
/// <para>The prompt is attended as without a cache, under the attention's causal mask; it must hold at most
/// S + W real tokens per row, within which the policy hides nothing (feed a longer prompt's rest one token at a
/// time).</para>
/// </remarks>
public sealed class SinkKvCache : ISlotKvCache
{
    private readonly RotaryPositionalEncoding rotary;
    private Tensor? keys;               // (B, nh, S + W, hs): what a step attends over; sink slots turned to cache positions
    private Tensor? values;             // (B, nh, S + W, hs)
    private Tensor? sinkKeys;           // (B, nh, S, hs): the sinks' keys as the attention gave them (turned at 0 … S − 1)
    private int[] slotPositions = [];   // [B, S + W]: the position of the token in each slot, −1 when empty
    private byte[] keyValid = [];       // [B, S + W]: a step's key mask
    private int[] shifts = [];          // [B · S]: each row's shift δ, repeated over its sinks (rotary positions)
    private KvCacheView? stepView;
    private int batch, heads, headDim;

    /// <param name="sinks">S ≥ 0: the first tokens kept for ever (0: a plain rolling window).</param>
    /// <param name="window">W ≥ 1: the most recent tokens kept, the current one included.</param>
    /// <param name="rotary">The model's rotary encoding, which turns the sinks' keys to their cache positions.</param>
    public SinkKvCache(int sinks, int window, RotaryPositionalEncoding rotary)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sinks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        this.rotary = rotary ?? throw new ArgumentNullException(nameof(rotary));
        Sinks = sinks;
        Window = window;
    }

    /// <summary>S: the first tokens of each row, kept for ever.</summary>
    public int Sinks { get; }

    /// <summary>W: the most recent tokens of each row kept, the current one included.</summary>
    public int Window { get; }

    /// <inheritdoc/>
    public int Length { get; private set; }

    /// <summary>S + W, whatever the number of tokens decoded.</summary>
    public int Capacity => Sinks + Window;

    /// <inheritdoc/>
    public int Heads => heads;

    /// <summary>int.MaxValue: the cache rolls.</summary>
    public int MaxLength => int.MaxValue;

    /// <inheritdoc/>
    public KvCacheView Append(Tensor keys, Tensor values, AttentionMaskSpec mask, TokenPositions positions)
    {
        KvCacheArguments.Check(keys, values, mask, positions, nameof(SinkKvCache));
        if (mask.Window != 0)
            throw new ArgumentException(
                $"SinkKvCache: serves full causal attention; a sliding-window attention (window {mask.Window}) keeps its own ring buffer.", nameof(mask));
        return Length == 0 ? Prefill(keys, values, mask, positions) : Step(keys, values, positions);
    }

    /// <summary>Forgets every token; the buffers are kept for the next prompt of the same shape.</summary>
    public void Reset()
    {
        Length = 0;
        Array.Fill(slotPositions, -1);
    }

    private KvCacheView Prefill(Tensor k, Tensor v, AttentionMaskSpec mask, TokenPositions positions)
    {
        int t = k.Shape[2];
        for (int b = 0; b < positions.Batch; b++)
            for (int i = 0; i < t; i++)
                if (positions.IsValid(b, i) && positions.At(b, i) >= Capacity)
                    throw new ArgumentException(
                        $"SinkKvCache: a prompt of more than {Capacity} tokens (the {Sinks} sinks + window {Window}) cannot be attended at once; " +
                        "prefill the first ones and append the rest one token at a time.", nameof(positions));
        if (keys is null || (batch, heads, headDim) != (k.Shape[0], k.Shape[1], k.Shape[3]))
        {
            (batch, heads, headDim) = (k.Shape[0], k.Shape[1], k.Shape[3]);
            Allocate(k.Backend);
        }
        else
        {
            Array.Fill(slotPositions, -1);
        }
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < t; i++)
                if (positions.IsValid(b, i)) Write(k, v, b, i, positions.At(b, i));
        Length = t;
        return new KvCacheView(k, v, mask);
    }

    private KvCacheView Step(Tensor k, Tensor v, TokenPositions positions)
    {
        if (k.Shape[2] != 1)
            throw new NotSupportedException($"SinkKvCache: after the prompt each step appends one token per row, got {k.Shape[2]}.");
        if ((k.Shape[0], k.Shape[1], k.Shape[3]) != (batch, heads, headDim))
            throw new ArgumentException($"SinkKvCache: keys do not match the cached ({batch}, {heads}, ·, {headDim}).", nameof(k));
        for (int b = 0; b < batch; b++)
        {
            if (!positions.IsValid(b, 0))
                throw new ArgumentException("SinkKvCache: a decoding step's tokens must all be real (padding belongs to the prompt).", nameof(positions));
            Write(k, v, b, 0, positions.At(b, 0));
        }
        Length++;

        // Every filled slot is seen (the ring has overwritten what left the window); the query sits at cache
        // position n − 1, so its shift δ = p − (n − 1) is how far the sinks must turn.
        int capacity = Capacity;
        bool turn = false;
        for (int b = 0; b < batch; b++)
        {
            int p = positions.At(b, 0), seen = 0;
            for (int j = 0; j < capacity; j++)
            {
                int q = slotPositions[b * capacity + j];
                bool visible = q >= 0 && q <= p;
                keyValid[b * capacity + j] = visible ? (byte)1 : (byte)0;
                if (visible) seen++;
            }
            int shift = p - (seen - 1);
            Array.Fill(shifts, shift, b * Sinks, Sinks);
            turn |= shift != 0;
        }
        if (turn && Sinks > 0) TurnSinks(shifts);
        return stepView ??= new KvCacheView(keys!, values!, new AttentionMaskSpec { KeyValid = keyValid }); // (B, nh, S + W, hs)
    }

    /// <summary>Writes the sinks' keys, turned by each row's shift, into the sink slots of the step's keys.</summary>
    private void TurnSinks(int[] shifts)
    {
        var turned = rotary.EncodeQueryKey(sinkKeys!, new TokenPositions(batch, Sinks, shifts)); // (B, nh, S, hs)
        int run = Sinks * headDim, capacity = Capacity;
        for (int bh = 0; bh < batch * heads; bh++)
            turned.Data.AsSpan(bh * run, run).CopyTo(keys!.Data.AsSpan(bh * capacity * headDim));
    }

    private int SlotOf(int position) => position < Sinks ? position : Sinks + (position - Sinks) % Window;

    private void Allocate(ITensorBackend backend)
    {
        int capacity = Capacity;
        keys = Tensor.Zeros(backend, batch, heads, capacity, headDim);
        values = Tensor.Zeros(backend, batch, heads, capacity, headDim);
        sinkKeys = Tensor.Zeros(backend, batch, heads, Math.Max(Sinks, 1), headDim);
        slotPositions = new int[batch * capacity];
        Array.Fill(slotPositions, -1);
        keyValid = new byte[batch * capacity];
        shifts = new int[batch * Sinks];
        stepView = null;
    }

    /// <summary>Copies token <paramref name="token"/> of row <paramref name="b"/> of the new (B, nh, T, hs) keys and values into its slot.</summary>
    private void Write(Tensor k, Tensor v, int b, int token, int position)
    {
        int t = k.Shape[2], slot = SlotOf(position), capacity = Capacity;
        for (int h = 0; h < heads; h++)
        {
            int bh = b * heads + h;
            int from = (bh * t + token) * headDim, to = (bh * capacity + slot) * headDim;
            k.Data.AsSpan(from, headDim).CopyTo(keys!.Data.AsSpan(to, headDim));
            v.Data.AsSpan(from, headDim).CopyTo(values!.Data.AsSpan(to, headDim));
            if (slot < Sinks) k.Data.AsSpan(from, headDim).CopyTo(sinkKeys!.Data.AsSpan((bh * Sinks + slot) * headDim, headDim));
        }
        slotPositions[b * capacity + slot] = position;
    }
}
