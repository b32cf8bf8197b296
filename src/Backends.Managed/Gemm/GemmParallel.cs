namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Splits a product over threads. A single product is cut into one slab of C per thread along its
/// longer side (n when n ≥ m), so each thread packs only its own part of the longer operand and
/// re-packs just the shorter one; a skinny product splits its long side; a batch of products
/// hands whole products to threads.
/// Each split is a state struct and a static lambda on <see cref="KernelWorkers"/>, so the hot path allocates nothing.
/// </summary>
internal static unsafe class GemmParallel
{
    /// <summary>Multiply-adds (m·n·k) below which a second thread costs more than it saves.</summary>
    public const long MinWorkPerThread = 1L << 19;

    /// <summary>One product on up to <paramref name="threads"/> threads.</summary>
    public static void Product(in GemmProblem g, int threads, GemmIsa isa)
    {
        if (SkinnyGemm.Applies(g, isa))
        {
            Skinny(g, threads, isa);
            return;
        }
        bool splitN = g.N >= g.M;
        int tile = splitN ? isa.NR() : isa.MR();
        int units = ((splitN ? g.N : g.M) + tile - 1) / tile;
        long work = (long)g.M * g.N * g.K;
        int workers = (int)Math.Min(Math.Min(threads, units), Math.Max(1, work / MinWorkPerThread));
        if (workers <= 1)
        {
            GemmKernels.Run(g, 0, g.M, 0, g.N, isa);
            return;
        }
        KernelWorkers.Run(workers, workers, new Slabs(g, isa, workers, splitN), static (in Slabs s, int worker) => RunSlab(s, worker));
    }

    /// <summary>batch products, each on one thread, spread over up to <paramref name="threads"/> threads.</summary>
    public static void Batch(in GemmProblem g, long strideA, long strideB, long strideC, int batch, int threads, GemmIsa isa) =>
        KernelWorkers.Run(batch, threads, new Products(g, isa, strideA, strideB, strideC),
            static (in Products p, int index) => Product(p.Problem.At(index, p.StrideA, p.StrideB, p.StrideC), 1, p.Isa));

    /// <summary>
    /// Floats of the long operand below which a skinny product stays on one thread. A GEMV is bound by memory, not
    /// arithmetic: waking a worker costs a few microseconds, streaming 64K floats (256 KB) about ten, and a second
    /// core nearly doubles the bandwidth, so every product of a GPT-2 decoding step (768 × 768 and up) is split.
    /// </summary>
    public const long MinSkinnyFloatsPerChunk = 1L << 16;

    /// <summary>Chunks per thread of a split skinny product, so a worker that wakes late still takes a share.</summary>
    const int SkinnyChunksPerThread = 4;

    /// <summary>A product with a side of at most 4: threads split the long side (see <see cref="SkinnyGemm"/>).</summary>
    static void Skinny(in GemmProblem g, int threads, GemmIsa isa)
    {
        float* x = GemmBuffers.Gathered(Math.Min(g.M, g.N) * g.K);
        SkinnyGemm.Gather(g, x);
        var (length, unit) = SkinnyGemm.LongSide(g, isa);
        long floats = (long)length * g.K;
        int chunks = SkinnyChunkCount(length, unit, floats, threads);
        if (threads <= 1 || chunks <= 1)
        {
            SkinnyGemm.Run(g, x, 0, length, isa);
            return;
        }
        KernelWorkers.Run(chunks, threads, new SkinnyChunks(g, isa, x, chunks), static (in SkinnyChunks s, int chunk) => RunSkinny(s, chunk));
    }

    /// <summary>Chunk <paramref name="chunk"/> of a skinny product's long side, in whole units.</summary>
    static void RunSkinny(in SkinnyChunks s, int chunk)
    {
        var (length, unit) = SkinnyGemm.LongSide(s.Problem, s.Isa);
        var (r0, r1) = ChunkRange(length, unit, chunk, s.Chunks);
        SkinnyGemm.Run(s.Problem, s.Gathered, r0, r1, s.Isa);
    }

    /// <summary>
    /// Chunks a skinny product (or a bfloat16 / int8 GEMV) splits its <paramref name="length"/> rows into, in whole
    /// units of <paramref name="unit"/> rows: <see cref="SkinnyChunksPerThread"/> per thread, each streaming at least
    /// <see cref="MinSkinnyFloatsPerChunk"/> of the <paramref name="work"/> values; 1 means "stay on this thread".
    /// </summary>
    public static int SkinnyChunkCount(int length, int unit, long work, int threads)
    {
        long units = (length + unit - 1) / unit;
        return (int)Math.Min(Math.Min((long)threads * SkinnyChunksPerThread, units), Math.Max(1, work / MinSkinnyFloatsPerChunk));
    }

    /// <summary>Rows r0 .. r1 of chunk <paramref name="chunk"/> of <paramref name="count"/> over <paramref name="length"/> rows, in whole units.</summary>
    public static (int R0, int R1) ChunkRange(int length, int unit, int chunk, int count)
    {
        int units = (length + unit - 1) / unit;
        return ((int)((long)units * chunk / count) * unit, Math.Min(length, (int)((long)units * (chunk + 1) / count) * unit));
    }

    static void RunSlab(in Slabs s, int worker)
    {
        ref readonly var g = ref s.Problem;
        // Slab boundaries fall on whole micro-tiles, so every thread count computes the same tiles.
        if (s.SplitN)
        {
            int nr = s.Isa.NR(), units = (g.N + nr - 1) / nr;
            int j0 = (int)((long)units * worker / s.Workers) * nr;
            int j1 = Math.Min(g.N, (int)((long)units * (worker + 1) / s.Workers) * nr);
            GemmKernels.Run(g, 0, g.M, j0, j1, s.Isa);
        }
        else
        {
            int mr = s.Isa.MR(), units = (g.M + mr - 1) / mr;
            int i0 = (int)((long)units * worker / s.Workers) * mr;
            int i1 = Math.Min(g.M, (int)((long)units * (worker + 1) / s.Workers) * mr);
            GemmKernels.Run(g, i0, i1, 0, g.N, s.Isa);
        }
    }

    /// <summary>One product cut into <see cref="Workers"/> slabs of C, along n when <see cref="SplitN"/>, else along m.</summary>
    readonly struct Slabs(in GemmProblem problem, GemmIsa isa, int workers, bool splitN)
    {
        public readonly GemmProblem Problem = problem;
        public readonly GemmIsa Isa = isa;
        public readonly int Workers = workers;
        public readonly bool SplitN = splitN;
    }

    /// <summary>A strided batch of products, one per index.</summary>
    readonly struct Products(in GemmProblem problem, GemmIsa isa, long strideA, long strideB, long strideC)
    {
        public readonly GemmProblem Problem = problem;
        public readonly GemmIsa Isa = isa;
        public readonly long StrideA = strideA, StrideB = strideB, StrideC = strideC;
    }

    /// <summary>A skinny product's long side cut into <see cref="Chunks"/> chunks, its short operand gathered at <see cref="Gathered"/>.</summary>
    readonly struct SkinnyChunks(in GemmProblem problem, GemmIsa isa, float* gathered, int chunks)
    {
        public readonly GemmProblem Problem = problem;
        public readonly GemmIsa Isa = isa;
        public readonly float* Gathered = gathered;
        public readonly int Chunks = chunks;
    }
}
