namespace LlmForge.Backends;

// The bodies of a parallel kernel (see KernelParallel and KernelWorkers). A body reads everything it needs from
// its state, a struct of pinned pointers and sizes passed by reference, so it can be a static lambda: the
// compiler caches a static lambda's delegate, and calling the kernel allocates nothing.

/// <summary>Runs index <paramref name="index"/> of a job.</summary>
public delegate void IndexBody<TState>(in TState state, int index);

/// <summary>Runs the items [<paramref name="start"/>, <paramref name="end"/>) of a job.</summary>
public delegate void RangeBody<TState>(in TState state, int start, int end);

/// <summary>Runs chunk <paramref name="chunk"/>, the items [<paramref name="start"/>, <paramref name="end"/>), of a job.</summary>
public delegate void ChunkBody<TState>(in TState state, int chunk, int start, int end);
