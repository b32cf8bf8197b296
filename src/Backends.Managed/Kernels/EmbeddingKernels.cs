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
        {
            int* ip = pi;
            float* tp = pt, yp = py;
            KernelParallel.For(ids.Length, (long)ids.Length * dim, threads, (i0, i1) =>
            {
                for (int i = i0; i < i1; i++)
                    new ReadOnlySpan<float>(tp + (long)ip[i] * dim, dim).CopyTo(new Span<float>(yp + (long)i * dim, dim));
            });
        }
    }

    /// <summary>dtable[ids[i], :] += dy[i, :], in id order for each column (repeated ids add up deterministically).</summary>
    public static void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim, int threads)
    {
        KernelChecks.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim);
        int blocks = (dim + ColumnBlock - 1) / ColumnBlock;
        fixed (int* pi = ids)
        fixed (float* pdy = dy, pdt = dtable)
        {
            int* ip = pi;
            float* dyp = pdy, dtp = pdt;
            int n = ids.Length;
            KernelParallel.For(blocks, (long)n * dim, threads, (b0, b1) =>
            {
                int c0 = b0 * ColumnBlock, width = Math.Min(b1 * ColumnBlock, dim) - c0;
                for (int i = 0; i < n; i++)
                {
                    var target = new Span<float>(dtp + (long)ip[i] * dim + c0, width);
                    TensorPrimitives.Add(target, new ReadOnlySpan<float>(dyp + (long)i * dim + c0, width), target);
                }
            });
        }
    }
}
