namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Looks up rows of <paramref name="table"/> [V, C]: token ids [..idsShape] → [..idsShape, C]
    /// (wte(idx) in nanoGPT). <paramref name="idsShape"/> defaults to [ids.Length]. The backward pass
    /// scatter-adds into the table, so repeated ids sum their gradients.
    /// </summary>
    public static Tensor Embedding(this Tensor table, int[] ids, params int[] idsShape) => Embedding(table, ids, idsShape, paddingIndex: null);

    /// <summary>
    /// <see cref="Embedding(Tensor, int[], int[])"/> with torch's <c>padding_idx</c>: lookups of
    /// <paramref name="paddingIndex"/> return its row but send no gradient to it (BERT's [PAD] embedding is
    /// trained only where something else uses the row, such as a tied decoder).
    /// </summary>
    public static Tensor Embedding(this Tensor table, int[] ids, int[] idsShape, int? paddingIndex)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        if (table.Rank != 2)
            throw new ArgumentException($"Embedding: table {Shapes.Format(table.Shape)} must be [vocab, dim].", nameof(table));
        ReadOnlySpan<int> single = [ids.Length];
        ReadOnlySpan<int> shape = idsShape is null || idsShape.Length == 0 ? single : idsShape;
        if (Shapes.Count(shape, nameof(idsShape)) != ids.Length)
            throw new ArgumentException(
                $"Embedding: ids shape {Shapes.Format(shape)} needs {Shapes.Count(shape, nameof(idsShape))} ids but {ids.Length} were given.",
                nameof(ids));

        int vocab = table.Shape[0], dim = table.Shape[1];
        if (paddingIndex is int p && (uint)p >= (uint)vocab)
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), p, $"Embedding: padding index {p} is outside the table's [0, {vocab}) rows.");
        Span<int> outShape = stackalloc int[shape.Length + 1]; // [..idsShape, dim]
        shape.CopyTo(outShape);
        outShape[^1] = dim;
        var y = NewLike(table, outShape);
        table.Backend.EmbeddingGather(ids, table.Data, y.Data, vocab, dim);
        if (!Graph.Records([table])) return y;

        var tokens = (int[])ids.Clone(); // the caller may reuse its buffer before Backward()
        int pad = paddingIndex is int padding && Array.IndexOf(tokens, padding) >= 0 ? padding : -1; // -1: no padding to skip
        return Graph.Record(y, "Embedding", [table], (table, tokens, pad, vocab, dim), static (s, dy) =>
        {
            var (table, tokens, pad, vocab, dim) = s;
            if (pad < 0)
            {
                table.Backend.EmbeddingScatterAdd(tokens, dy, table.GradBuffer(), vocab, dim);
                return;
            }
            using var kept = new Scratch(dy.Length); // dy with the padding positions' rows zeroed
            dy.CopyTo(kept.Span);
            for (int i = 0; i < tokens.Length; i++)
                if (tokens[i] == pad) kept.Span.Slice(i * dim, dim).Clear();
            table.Backend.EmbeddingScatterAdd(tokens, kept.Span, table.GradBuffer(), vocab, dim);
        });
    }
}
