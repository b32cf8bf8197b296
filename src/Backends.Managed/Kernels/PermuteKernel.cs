namespace LlmForge.Backends.Managed;

/// <summary>Axis permutation of a row-major tensor (head split/merge, transposes), parallel over output rows.</summary>
public static unsafe class PermuteKernel
{
    /// <summary>The most axes a permuted tensor may have.</summary>
    public const int MaxRank = 6;

    /// <summary>
    /// y = x with y's axis i being x's axis perm[i], x of shape <paramref name="shape"/>. y is walked in
    /// order, one output row (its last axis) at a time: a contiguous copy when the last axis stays last
    /// (head split, (0, 2, 1, 3)), a strided gather otherwise. y must not overlap x.
    /// </summary>
    public static void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y, int threads)
    {
        long count = KernelChecks.Permute(x, shape, perm, y);
        if (count == 0) return;
        int rank = shape.Length;
        var layout = new Layout();
        long stride = 1;
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            layout.InputStride[axis] = stride;
            stride *= shape[axis];
        }
        // Output axis i walks input axis perm[i]: its size and the input stride it moves by.
        for (int i = 0; i < rank; i++)
        {
            layout.OutSize[i] = shape[perm[i]];
            layout.OutStride[i] = layout.InputStride[perm[i]];
        }
        int inner = layout.OutSize[rank - 1];
        long innerStride = layout.OutStride[rank - 1];
        int outerRows = (int)(count / inner);
        fixed (float* px = x, py = y)
        {
            var args = new Args { X = px, Y = py, Layout = layout, Rank = rank, Inner = inner, InnerStride = innerStride };
            KernelParallel.For(outerRows, count, threads, args, static (in Args a, int r0, int r1) =>
            {
                var layout = a.Layout;
                int rank = a.Rank, inner = a.Inner;
                long innerStride = a.InnerStride;
                for (int row = r0; row < r1; row++)
                {
                    // Input offset of output row `row`: decompose it over the output's outer axes.
                    long offset = 0;
                    int rest = row;
                    for (int i = rank - 2; i >= 0; i--)
                    {
                        int size = layout.OutSize[i];
                        offset += rest % size * layout.OutStride[i];
                        rest /= size;
                    }
                    float* src = a.X + offset;
                    float* dst = a.Y + (long)row * inner;
                    if (innerStride == 1)
                        new ReadOnlySpan<float>(src, inner).CopyTo(new Span<float>(dst, inner));
                    else
                        for (int j = 0; j < inner; j++) dst[j] = src[j * innerStride];
                }
            });
        }
    }

    /// <summary>The pinned buffers and the output's geometry, for the row chunks.</summary>
    private readonly struct Args
    {
        public float* X { get; init; }
        public float* Y { get; init; }
        public Layout Layout { get; init; }
        public int Rank { get; init; }
        public int Inner { get; init; }
        public long InnerStride { get; init; }
    }

    private struct Layout
    {
        public Strides InputStride, OutStride;
        public Sizes OutSize;
    }

    [System.Runtime.CompilerServices.InlineArray(MaxRank)]
    private struct Strides { private long _element; }

    [System.Runtime.CompilerServices.InlineArray(MaxRank)]
    private struct Sizes { private int _element; }
}
