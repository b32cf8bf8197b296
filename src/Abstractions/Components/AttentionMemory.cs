using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// The key/value source of a cross-attention: another sequence than the queries' own — an encoder's output states
/// (B, Tk, C) with their padding — that every query sees whole (no causal mask; "Attention Is All You Need", §3.2.3,
/// encoder-decoder attention). Set as <see cref="AttentionInput.Memory"/>; without it an attention is a self-attention.
/// </summary>
/// <remarks>
/// During decoding the memory is the same at every step, so its keys and values need computing once per input:
/// a memory made with <c>cacheProjections: true</c> keeps each layer's projected keys and values
/// (<see cref="Project"/>) for the next steps. Only use that without a gradient graph (inference).
/// </remarks>
public sealed class AttentionMemory
{
    private readonly Dictionary<object, (Tensor Keys, Tensor Values)>? projected;

    /// <summary>
    /// A memory of <paramref name="states"/> (B, Tk, C); <paramref name="keyValid"/> [B·Tk] is nonzero for a real
    /// source token (null: no padding).
    /// </summary>
    /// <param name="states">The encoder's output, (B, Tk, C).</param>
    /// <param name="keyValid">The source padding mask, [B·Tk] row-major, nonzero for a real token; null: none.</param>
    /// <param name="cacheProjections">Whether <see cref="Project"/> keeps each layer's keys and values for later calls.</param>
    /// <exception cref="ArgumentException">States not (B, Tk, C), or a mask of another size than B·Tk.</exception>
    public AttentionMemory(Tensor states, byte[]? keyValid = null, bool cacheProjections = false)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Rank != 3)
            throw new ArgumentException($"AttentionMemory: states must be (B, Tk, C), got rank {states.Rank}.", nameof(states));
        if (keyValid is not null && keyValid.Length != states.Shape[0] * states.Shape[1])
            throw new ArgumentException(
                $"AttentionMemory: the padding mask has {keyValid.Length} entries for states of B·Tk = {states.Shape[0] * states.Shape[1]}.",
                nameof(keyValid));
        States = states;
        KeyValid = keyValid;
        Mask = keyValid is null ? AttentionMaskSpec.None : AttentionMaskSpec.Padding(keyValid);
        if (cacheProjections) projected = new(ReferenceEqualityComparer.Instance);
    }

    /// <summary>The source states the keys and values are projected from, (B, Tk, C).</summary>
    public Tensor States { get; }

    /// <summary>The source padding mask [B·Tk], nonzero for a real token; null: none.</summary>
    public byte[]? KeyValid { get; }

    /// <summary>The mask every query of a cross-attention applies: bidirectional, the source padding hidden.</summary>
    public AttentionMaskSpec Mask { get; }

    /// <summary>Source length Tk.</summary>
    public int Length => States.Shape[1];

    /// <summary>
    /// A memory of rows <paramref name="rows"/> of this one, in that order (row i is row rows[i] here; a row may be taken
    /// several times): the states, the padding and the keys and values projected so far, so that beam search projects
    /// each input's keys and values once and gives every beam of the input a copy instead of projecting them again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row outside the batch, or no rows.</exception>
    public AttentionMemory SelectRows(ReadOnlySpan<int> rows)
    {
        int batch = States.Shape[0], length = Length;
        if (rows.IsEmpty) throw new ArgumentOutOfRangeException(nameof(rows), "AttentionMemory: SelectRows needs at least one row.");
        foreach (int row in rows)
            if ((uint)row >= (uint)batch) throw new ArgumentOutOfRangeException(nameof(rows), $"AttentionMemory: row {row} is outside the batch of {batch}.");
        byte[]? keyValid = null;
        if (KeyValid is not null)
        {
            keyValid = new byte[rows.Length * length];
            for (int i = 0; i < rows.Length; i++) KeyValid.AsSpan(rows[i] * length, length).CopyTo(keyValid.AsSpan(i * length));
        }
        var selected = new AttentionMemory(GatherRows(States, rows), keyValid, projected is not null);
        if (projected is not null)
            foreach (var (layer, kv) in projected)
                selected.projected![layer] = (GatherRows(kv.Keys, rows), GatherRows(kv.Values, rows)); // (rows, n_kv, Tk, hs)
        return selected;
    }

    /// <summary>Rows of <paramref name="x"/>'s first axis, copied: (rows.Length, …).</summary>
    private static Tensor GatherRows(Tensor x, ReadOnlySpan<int> rows)
    {
        int run = 1;
        for (int axis = 1; axis < x.Rank; axis++) run *= x.Shape[axis];
        var data = new float[rows.Length * run];
        for (int i = 0; i < rows.Length; i++) x.Data.AsSpan(rows[i] * run, run).CopyTo(data.AsSpan(i * run));
        int[] shape = [.. x.Shape];
        shape[0] = rows.Length;
        return Tensor.FromArray(x.Backend, data, shape);
    }

    /// <summary>
    /// <paramref name="layer"/>'s keys and values of this memory: computed by <paramref name="project"/>, and — for a
    /// memory made with <c>cacheProjections</c> — kept, so later calls of the same layer return them unchanged.
    /// </summary>
    public (Tensor Keys, Tensor Values) Project(object layer, Func<Tensor, (Tensor Keys, Tensor Values)> project)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(project);
        if (projected is null) return project(States);
        if (!projected.TryGetValue(layer, out var kv))
            projected[layer] = kv = project(States);
        return kv;
    }
}
