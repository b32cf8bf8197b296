namespace LlmForge.Autograd;

/// <summary>
/// Reuses the buffers of a training step's activations and gradients in the next step, so that after the first
/// step a step allocates (almost) nothing on the managed heap and memory stays flat:
/// <code>
/// var memory = new TensorArena();
/// for (int step = 0; step &lt; steps; step++)
///     using (memory.Step())
///     {
///         var (_, loss) = model.Forward(ids, targets, B, T);
///         loss.Backward();
///         optimizer.Step(lr);
///         optimizer.ZeroGrad();
///         lossValue = loss.Item(); // read what you need inside the scope
///     }
/// </code>
/// Inside a step scope (on the thread that opened it) every op output, op-internal saved buffer and
/// intermediate gradient is taken from the arena; when the scope ends they all go back, to be handed out again.
/// The contract: a tensor computed inside the scope must not be used after it ends (its buffer, and the Tensor
/// object itself, will serve the next step's tensors). Parameters, their gradients, optimizer state, and tensors
/// made by the factories (<see cref="Tensor.Zeros"/>, <see cref="Tensor.FromArray"/>, scalars such as a loss) never
/// come from the arena. Each step of the same shapes asks for the same buffer lengths, so buffers are pooled by exact length;
/// a length no request of a whole step asked for is dropped when that step ends (left to the GC), so steps whose
/// shapes drift (a decoding step over a growing KV cache) keep only the working set of the last step.
/// A step of another arena may open inside a step (generation in the middle of a training step): until it ends,
/// buffers come from the inner arena, then from the outer one again.
/// The ops' tensor headers (the <see cref="Tensor"/> objects and their shape arrays) are pooled the same way, by
/// rank, so a step of inference allocates nothing at all once warm: one-token decoding runs hundreds of ops per token.
/// </summary>
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? current;

    private readonly Dictionary<int, Stack<float[]>> free = [];
    // Buffers handed out in the open step, returned when it ends (or earlier, see ReturnGrad).
    private readonly HashSet<float[]> rented = new(ReferenceEqualityComparer.Instance);
    // Buffer lengths asked for in the open step; the free lists of every other length are dropped at its end.
    private readonly HashSet<int> askedLengths = [];
    private readonly List<int> unasked = [];
    // Tensor headers handed out in the open step, and those free, by rank (a header keeps its shape array).
    private readonly List<Tensor> rentedTensors = [];
    private readonly Stack<Tensor>?[] freeTensors = new Stack<Tensor>?[MaxPooledRank + 1];
    private const int MaxPooledRank = 8;
    private TensorArena? outer; // the arena whose step was open on this thread when this one's opened
    private bool stepOpen;

    /// <summary>Bytes of float buffers this arena owns (handed out or free): the step's working set.</summary>
    public long PooledBytes { get; private set; }

    /// <summary>Opens a step: until the returned scope is disposed, this thread's tensor buffers come from the arena.</summary>
    /// <exception cref="InvalidOperationException">A step of this arena is already open.</exception>
    public IDisposable Step()
    {
        BeginStep();
        return new Scope(this);
    }

    private void BeginStep()
    {
        if (stepOpen) throw new InvalidOperationException("TensorArena.Step: a step of this arena is already open; dispose it first.");
        stepOpen = true;
        outer = current;
        current = this;
    }

    /// <summary>
    /// Runs one layer of a pass that records no graph (<see cref="GradMode.NoGrad"/>) in a step of a layer arena (the
    /// enclosing step's arena's own, or this thread's outside any step), and returns its output copied into a buffer
    /// of the caller's (the enclosing step's arena, else a new array).
    /// The layer's intermediates (q, k, v, scores, the MLP's 4·C activations) go back as soon as it returns and the next
    /// layer reuses them, so the working set of an inference pass is one layer deep instead of growing with the model's
    /// depth until the enclosing step ends: BERT-base over 4 × 128 tokens keeps ~20 MB of activations instead of ~250.
    /// With a graph recording, backward needs every intermediate, so the layer just runs.
    /// </summary>
    /// <remarks>
    /// The layer is a static lambda over <paramref name="state"/> (the block and its inputs) so that the call allocates
    /// nothing: <c>x = TensorArena.RunLayer((block, x), static s => s.block.Forward(s.x))</c>.
    /// </remarks>
    public static Tensor RunLayer<TState>(TState state, Func<TState, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (GradMode.IsEnabled) return layer(state);
        // Each enclosing arena has a layer arena of its own, so passes of other shapes (a generator's prefill and its
        // one-token steps) each keep their layer's working set instead of evicting each other's every call.
        // A layer arena is never open here: while its step is, it is the enclosing arena, and a nested layer gets its own.
        var arena = current is { } enclosing ? enclosing.layers ??= new TensorArena() : threadLayers ??= new TensorArena();
        Tensor y;
        arena.BeginStep(); // not Step(): its scope object would be the one allocation of a layer
        try
        {
            y = layer(state);
        }
        finally
        {
            arena.EndStep();
        }
        // The inner step has ended: its buffers are free but untouched until this thread rents again, so copy out now.
        var kept = Allocate(y.Length);
        y.Data.AsSpan(0, (int)y.Length).CopyTo(kept);
        return NewTensor(y.Backend, kept, y.Shape);
    }

    /// <summary>The closure form of <see cref="RunLayer{TState}"/>, for a loop where a delegate per layer does not matter.</summary>
    public static Tensor RunLayer(Func<Tensor> layer) =>
        RunLayer(layer ?? throw new ArgumentNullException(nameof(layer)), static layer => layer());

    [ThreadStatic] private static TensorArena? threadLayers; // the layer arena of passes outside any step
    private TensorArena? layers;

    /// <summary>A leaf tensor over <paramref name="data"/>: its header from the open step's arena on this thread, else a new one.</summary>
    internal static Tensor NewTensor(Backends.ITensorBackend backend, float[] data, ReadOnlySpan<int> shape) =>
        current is { } arena && shape.Length <= MaxPooledRank ? arena.RentTensor(backend, data, shape) : new Tensor(backend, data, shape.ToArray());

    /// <summary>A zeroed buffer: from the open step's arena on this thread, else a new array.</summary>
    internal static float[] Allocate(long length) => current is { } arena ? arena.Rent(length) : new float[length];

    /// <summary>
    /// A buffer with any contents, for an output its kernel writes whole (a GEMM with beta = 0, a permute, a map):
    /// <see cref="Allocate"/> without the clearing pass.
    /// </summary>
    internal static float[] AllocateUninitialized(long length) =>
        current is { } arena ? arena.Rent(length, clear: false) : GC.AllocateUninitializedArray<float>(checked((int)length));

    /// <summary>
    /// Gives an intermediate gradient back as soon as back-propagation is done with it, so the backward pass reuses
    /// its own buffers; a buffer the arena did not hand out is left to the GC.
    /// </summary>
    internal static void Release(float[] buffer)
    {
        if (current is { } arena && arena.rented.Remove(buffer)) arena.Free(buffer);
    }

    private float[] Rent(long length, bool clear = true)
    {
        int n = checked((int)length);
        askedLengths.Add(n);
        float[] buffer;
        if (free.TryGetValue(n, out var stack) && stack.Count > 0)
        {
            buffer = stack.Pop();
            if (clear) Array.Clear(buffer); // callers rely on zeroed buffers, as with new float[n]
        }
        else
        {
            buffer = new float[n];
            PooledBytes += (long)n * sizeof(float);
        }
        rented.Add(buffer);
        return buffer;
    }

    private Tensor RentTensor(Backends.ITensorBackend backend, float[] data, ReadOnlySpan<int> shape)
    {
        Tensor tensor;
        if (freeTensors[shape.Length] is { Count: > 0 } stack)
        {
            tensor = stack.Pop();
            tensor.Reuse(backend, data, shape);
        }
        else
        {
            tensor = new Tensor(backend, data, shape.ToArray());
        }
        rentedTensors.Add(tensor);
        return tensor;
    }

    private void Free(float[] buffer)
    {
        if (!free.TryGetValue(buffer.Length, out var stack)) free[buffer.Length] = stack = new Stack<float[]>();
        stack.Push(buffer);
    }

    private void EndStep()
    {
        foreach (var buffer in rented) Free(buffer);
        rented.Clear();
        // As with buffers, the free headers become this step's: those no op of the step asked for are dropped.
        foreach (var stack in freeTensors) stack?.Clear();
        foreach (var tensor in rentedTensors)
        {
            tensor.Clear();
            (freeTensors[tensor.Rank] ??= new Stack<Tensor>()).Push(tensor);
        }
        rentedTensors.Clear();
        foreach (var (length, _) in free)
            if (!askedLengths.Contains(length)) unasked.Add(length);
        foreach (int length in unasked)
        {
            free.Remove(length, out var stack);
            PooledBytes -= (long)stack!.Count * length * sizeof(float);
        }
        unasked.Clear();
        askedLengths.Clear();
        stepOpen = false;
        current = outer;
        outer = null;
    }

    private sealed class Scope(TensorArena arena) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            if (current != arena)
                throw new InvalidOperationException("TensorArena: a step must end on the thread that opened it, after any step opened inside it.");
            arena.EndStep();
        }
    }
}
