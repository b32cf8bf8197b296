namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Splits a product over threads. A single product is cut into one slab of C per thread along its
/// longer side (n when n ≥ m), so each thread packs only its own part of the longer operand and
/// re-packs just the shorter one; a skinny product splits its long side; a batch of products
/// hands whole products to threads.
/// One reusable job per calling thread (and cached delegates) keeps the hot path free of allocation.
/// </summary>
internal sealed unsafe class GemmParallel
{
    /// <summary>Multiply-adds (m·n·k) below which a second thread costs more than it saves.</summary>
    public const long MinWorkPerThread = 1L << 19;

    [ThreadStatic] static GemmParallel? t_job;

    GemmProblem _problem;
    GemmIsa _isa;
    float* _gathered;
    int _workers;
    bool _splitN;
    long _strideA, _strideB, _strideC;
    readonly Action<int> _slab, _product, _skinny;

    GemmParallel()
    {
        _slab = RunSlab;
        _product = RunProduct;
        _skinny = RunSkinny;
    }

    static GemmParallel Job => t_job ??= new GemmParallel();

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
        var job = Job;
        job._problem = g;
        job._isa = isa;
        job._workers = workers;
        job._splitN = splitN;
        KernelWorkers.Run(workers, workers, job._slab);
    }

    /// <summary>batch products, each on one thread, spread over up to <paramref name="threads"/> threads.</summary>
    public static void Batch(in GemmProblem g, long strideA, long strideB, long strideC, int batch, int threads, GemmIsa isa)
    {
        var job = Job;
        job._problem = g;
        job._isa = isa;
        job._strideA = strideA;
        job._strideB = strideB;
        job._strideC = strideC;
        KernelWorkers.Run(batch, threads, job._product);
    }

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
        long units = (length + unit - 1) / unit;
        int chunks = (int)Math.Min(Math.Min((long)threads * SkinnyChunksPerThread, units), Math.Max(1, floats / MinSkinnyFloatsPerChunk));
        if (threads <= 1 || chunks <= 1)
        {
            SkinnyGemm.Run(g, x, 0, length, isa);
            return;
        }
        var job = Job;
        job._problem = g;
        job._isa = isa;
        job._gathered = x;
        job._workers = chunks;
        KernelWorkers.Run(chunks, threads, job._skinny);
    }

    /// <summary>Chunk <paramref name="chunk"/> of <see cref="_workers"/> of a skinny product's long side, in whole units.</summary>
    void RunSkinny(int chunk)
    {
        var (length, unit) = SkinnyGemm.LongSide(_problem, _isa);
        int units = (length + unit - 1) / unit;
        int r0 = (int)((long)units * chunk / _workers) * unit;
        int r1 = Math.Min(length, (int)((long)units * (chunk + 1) / _workers) * unit);
        SkinnyGemm.Run(_problem, _gathered, r0, r1, _isa);
    }

    void RunSlab(int worker)
    {
        ref readonly var g = ref _problem;
        // Slab boundaries fall on whole micro-tiles, so every thread count computes the same tiles.
        if (_splitN)
        {
            int nr = _isa.NR(), units = (g.N + nr - 1) / nr;
            int j0 = (int)((long)units * worker / _workers) * nr;
            int j1 = Math.Min(g.N, (int)((long)units * (worker + 1) / _workers) * nr);
            GemmKernels.Run(g, 0, g.M, j0, j1, _isa);
        }
        else
        {
            int mr = _isa.MR(), units = (g.M + mr - 1) / mr;
            int i0 = (int)((long)units * worker / _workers) * mr;
            int i1 = Math.Min(g.M, (int)((long)units * (worker + 1) / _workers) * mr);
            GemmKernels.Run(g, i0, i1, 0, g.N, _isa);
        }
    }

    void RunProduct(int index) => Product(_problem.At(index, _strideA, _strideB, _strideC), 1, _isa);
}
