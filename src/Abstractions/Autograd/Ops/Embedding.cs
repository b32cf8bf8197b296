namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Looks up rows of <paramref name="table"/> [V, C]: token ids [..idsShape] → [..idsShape, C]
    /// (wte(idx) in nanoGPT). <paramref name="idsShape"/> defaults to [ids.Length]. The backward pass
    /// scatter-adds into the table, so repeated ids sum their gradients.
    /// </summary>
    public static Tensor Embedding(this Tensor table, int[] ids, params int[] idsShape)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        if (table.Rank != 2)
            throw new ArgumentException($"Embedding: table {Shapes.Format(table.Shape)} must be [vocab, dim].", nameof(table));
        int[] shape = idsShape is null || idsShape.Length == 0 ? [ids.Length] : (int[])idsShape.Clone();
        if (Shapes.Count(shape, nameof(idsShape)) != ids.Length)
            throw new ArgumentException(
                $"Embedding: ids shape {Shapes.Format(shape)} needs {Shapes.Count(shape, nameof(idsShape))} ids but {ids.Length} were given.",
                nameof(ids));

        var backend = table.Backend;
        int vocab = table.Shape[0], dim = table.Shape[1];
        var tokens = (int[])ids.Clone(); // the caller may reuse its buffer before Backward()
        var y = NewLike(table, [.. shape, dim]);
        backend.EmbeddingGather(tokens, table.Data, y.Data, vocab, dim);
        return Graph.Record(y, "Embedding", [table],
            dy => backend.EmbeddingScatterAdd(tokens, dy, table.GradBuffer(), vocab, dim));
    }
}
