using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>Embedding lookup and its backward scatter-add, for token (wte) and position (wpe) tables of [vocab, dim].</summary>
public static unsafe class EmbeddingKernels
{
    /// <summary>Columns one scatter-add task owns: repeated ids never race, because threads split the columns, not the ids.</summary>
    private const int ColumnBlock = 64;

    /// <summary>y[i, :] = table[ids[i], :]; every id is checked before anything is written.</summary>
    public static void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim, int threads)
    {
        KernelChecks.EmbeddingGather(ids, table, y, vocab, dim);
        fixed (int* pi = ids)
        fixed (float* pt = table, py = y)
            KernelParallel.For(ids.Length, (long)ids.Length * dim, threads, new Operands(pi, ids.Length, pt, py, dim), static (in Operands o, int i0, int i1) =>
            {
                int dim = o.Dim;
                for (int i = i0; i < i1; i++)
                    new ReadOnlySpan<float>(o.Table + (long)o.Ids[i] * dim, dim).CopyTo(new Span<float>(o.Rows + (long)i * dim, dim));
            });
    }

    /// <summary>dtable[ids[i], :] += dy[i, :], in id order for each column (repeated ids add up deterministically).</summary>
    public static void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim, int threads)
    {
        KernelChecks.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim);
        int blocks = (dim + ColumnBlock - 1) / ColumnBlock;
        fixed (int* pi = ids)
        fixed (float* pdy = dy, pdt = dtable)
            KernelParallel.For(blocks, (long)ids.Length * dim, threads, new Operands(pi, ids.Length, pdt, pdy, dim), static (in Operands o, int b0, int b1) =>
            {
                int dim = o.Dim, c0 = b0 * ColumnBlock, width = Math.Min(b1 * ColumnBlock, dim) - c0;
                for (int i = 0; i < o.Count; i++)
                {
                    var target = new Span<float>(o.Table + (long)o.Ids[i] * dim + c0, width);
                    TensorPrimitives.Add(target, new ReadOnlySpan<float>(o.Rows + (long)i * dim + c0, width), target);
                }
            });
    }

    /// <summary>The pinned ids [count], table [vocab, dim] (or its gradient) and rows [count, dim] (y, or dy in the backward pass).</summary>
    private readonly struct Operands(int* ids, int count, float* table, float* rows, int dim)
    {
        public readonly int* Ids = ids;
        public readonly int Count = count;
        public readonly float* Table = table, Rows = rows;
        public readonly int Dim = dim;
    }
}
