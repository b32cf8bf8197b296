using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// A lookup table, as <c>torch.nn.Embedding</c>: weight [count, dim], init N(0, std²) (by default GPT-2's std 0.02,
/// not torch's 1: see <see cref="ModuleInit"/>). Looking up ids is a Linear layer (weight = this table transposed)
/// applied to one-hot vectors, with the same output and gradient, without the V·C multiply-adds per id.
/// Parameter: "weight". Used for token embeddings (wte) and learned positions (wpe).
/// </summary>
public sealed class Embedding : Module
{
    /// <param name="paddingIndex">
    /// torch's padding_idx (BERT's [PAD]): that row starts at zero and lookups of it send it no gradient.
    /// </param>
    /// <param name="init">The parameters' backend and random initialization.</param>
    /// <param name="count">Rows of the table (vocabulary size or context length).</param>
    /// <param name="dim">Width of each row.</param>
    /// <param name="std">Init std; null: <see cref="ModuleInit.Std"/> (GPT-2's 0.02; torch.nn.Embedding's own default is 1).</param>
    public Embedding(ModuleInit init, int count, int dim, float? std = null, int? paddingIndex = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (paddingIndex is int p && (uint)p >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), p, $"Embedding: padding index {p} is outside [0, {count}).");
        Weight = RegisterParameter("weight", init.Normal(std, count, dim));
        PaddingIndex = paddingIndex;
        if (paddingIndex is int pad) Weight.Data.AsSpan(pad * dim, dim).Clear();
    }

    /// <summary>The row lookups send no gradient to (torch's padding_idx), or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>[count, dim].</summary>
    public Tensor Weight { get; }

    /// <summary>Rows of the table: the vocabulary (or position/segment) count.</summary>
    public int Count => Weight.Shape[0];

    /// <summary>Width of a row, C.</summary>
    public int Dim => Weight.Shape[1];

    /// <summary>
    /// ids [..idsShape] → [..idsShape, dim] (idsShape defaults to [ids.Length]). An id outside [0, count) throws,
    /// naming its index and value.
    /// </summary>
    public Tensor Forward(int[] ids, params int[] idsShape)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int count = Count;
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i],
                    $"Embedding {Weight.Name ?? ""}: id {ids[i]} at index {i} is outside [0, {count}).");
        }
        return Weight.Embedding(ids, idsShape is { Length: > 0 } ? idsShape : [ids.Length], PaddingIndex);
    }
}
