using LlmForge.Backends;

namespace LlmForge.Autograd;

/// <summary>
/// The work of <see cref="F.LinearCrossEntropy"/>: the N rows of hidden [N, C] go through the LM head in chunks of
/// <c>chunk</c> rows, so the only [rows, vocab] buffer is one chunk of logits, turned into their gradient in place
/// (from the arena, reused chunk after chunk and step after step), instead of [N, vocab] logits plus [N, vocab] dlogits.
/// </summary>
/// <remarks>
/// Per chunk: logits = h_chunk · Wᵀ (+ b) (GEMM), then the CrossEntropy kernel (losses, logsumexp per row); for the
/// gradients, dlogits = (softmax − onehot) · scale in place over the logits (Softmax and Scale, which allow y = x;
/// CrossEntropyBackward accumulates into a separate buffer, which would double the chunk's memory),
/// dh_chunk += dlogits · W, dW += dlogitsᵀ · h_chunk (GEMMs), db += column sums.
/// <para>Where the gradients are computed depends on what that costs in memory. Precomputed during the forward pass
/// (scale 1/count), they wait in a [N, C] buffer for dh and a [vocab, C] buffer for dW, and the backward pass scales
/// them by the upstream gradient into h.Grad and W.Grad (Axpy). That [vocab, C] buffer is only worth holding when it
/// is no larger than the [N, vocab] logits it replaces, i.e. C ≤ N (or when W is frozen, and there is none); otherwise
/// (few rows: GPT-2 at B·T = 256 &lt; C = 768 would hold 154 MB against 103 MB of logits + dlogits) the backward pass
/// walks the chunks last to first and accumulates straight into the gradients: the last chunk's logits are still in
/// the buffer from the forward pass, the others are recomputed from h and W.
/// With the default chunk size few rows fit one chunk, so nothing is recomputed and the one [N, vocab] buffer is half
/// of what the unfused pair holds. Under no_grad, or when nothing requires grad, only the loss is computed. A tied
/// weight (lm_head = wte) needs nothing special: W.Grad accumulates the head's share here and the embedding's when its
/// scatter runs.</para>
/// </remarks>
internal sealed class ChunkedLinearCrossEntropy
{
    /// <summary>Floats of the chunk buffer when the caller leaves the size to us: 64 MB, 333 rows of GPT-2's vocabulary.</summary>
    public const int DefaultChunkFloats = 1 << 24;

    private readonly ITensorBackend backend;
    private readonly Tensor hidden, weight;
    private readonly Tensor? bias;
    private readonly int[] labels;
    private readonly int ignoreIndex, rows, dim, vocab, chunk;
    private float[] logits = []; // one chunk [chunk, vocab]: logits, then their gradient
    private int counted;
    private bool precomputed;
    private float[]? dHidden, dWeight, dBias; // precomputed gradients at upstream gradient 1

    public ChunkedLinearCrossEntropy(Tensor hidden, Tensor weight, Tensor? bias, int[] labels, int ignoreIndex, int chunk)
    {
        backend = hidden.Backend;
        (this.hidden, this.weight, this.bias, this.labels, this.ignoreIndex, this.chunk) = (hidden, weight, bias, labels, ignoreIndex, chunk);
        (vocab, dim) = (weight.Shape[0], weight.Shape[1]);
        rows = labels.Length;
    }

    /// <summary>Rows per chunk: <paramref name="requested"/> if positive, else even chunks within <see cref="DefaultChunkFloats"/>.</summary>
    public static int ChunkRows(int rows, int vocab, int requested)
    {
        if (rows == 0) return 1;
        if (requested > 0) return Math.Min(requested, rows);
        int most = Math.Max(1, DefaultChunkFloats / vocab);
        int chunks = (rows + most - 1) / most;
        return (rows + chunks - 1) / chunks;
    }

    /// <summary>The mean loss; also the gradients, at upstream gradient 1, when recording and C ≤ N (see the remarks).</summary>
    public float Forward()
    {
        foreach (int t in labels) if (t != ignoreIndex) counted++;
        bool recording = GradMode.IsEnabled && (hidden.RequiresGrad || weight.RequiresGrad || bias is { RequiresGrad: true });
        precomputed = recording && counted > 0 && (!weight.RequiresGrad || dim <= rows);
        if (precomputed)
        {
            if (hidden.RequiresGrad) dHidden = TensorArena.Allocate((long)rows * dim);
            if (weight.RequiresGrad) dWeight = TensorArena.Allocate(weight.Length);
            if (bias is { RequiresGrad: true }) dBias = TensorArena.Allocate(vocab);
        }

        float[] losses = TensorArena.Allocate(rows), logSumExp = TensorArena.Allocate(rows); // the kernel's outputs
        logits = TensorArena.AllocateUninitialized((long)chunk * vocab); // each chunk's GEMM (beta 0) writes it whole
        for (int r0 = 0; r0 < rows; r0 += chunk)
        {
            int n = Math.Min(chunk, rows - r0);
            ChunkLogits(r0, n);
            backend.CrossEntropy(logits.AsSpan(0, n * vocab), labels.AsSpan(r0, n), losses.AsSpan(r0, n),
                logSumExp.AsSpan(r0, n), n, vocab, ignoreIndex);
            if (precomputed) ChunkGradients(r0, n, 1f / counted, dHidden, dWeight, dBias);
        }

        double sum = 0; // in row order, in double, as F.CrossEntropy sums
        for (int r = 0; r < rows; r++)
            if (labels[r] != ignoreIndex) sum += losses[r];
        TensorArena.Release(losses);
        if (!recording || precomputed) TensorArena.Release(logits); // else backward starts from the last chunk's logits
        TensorArena.Release(logSumExp);
        return counted == 0 ? float.NaN : (float)(sum / counted);
    }

    /// <summary>Accumulates dLoss · ∂loss/∂input into the grad of each input that requires grad.</summary>
    public void Backward(float dLoss)
    {
        if (counted == 0) return; // nothing counted: a zero gradient, not NaN
        if (precomputed)
        {
            AddScaled(dLoss, dHidden, hidden);
            AddScaled(dLoss, dWeight, weight);
            if (bias is not null) AddScaled(dLoss, dBias, bias);
        }
        else
        {
            // A gradient still zero is overwritten by the GEMMs (beta 0, see Tensor.GradTarget): dh by every chunk (each
            // writes its own rows), dW by the first chunk only (the others add to it).
            float dhBeta = 1f, dWBeta = 1f;
            var dh = hidden.RequiresGrad ? hidden.GradTarget(out dhBeta) : null;
            var dW = weight.RequiresGrad ? weight.GradTarget(out dWBeta) : null;
            var db = bias is { RequiresGrad: true } ? bias.GradBuffer() : null;
            int last = (rows - 1) / chunk * chunk; // first row of the chunk whose logits the buffer holds
            for (int r0 = last; r0 >= 0; r0 -= chunk)
            {
                int n = Math.Min(chunk, rows - r0);
                if (r0 != last) ChunkLogits(r0, n);
                ChunkGradients(r0, n, dLoss / counted, dh, dW, db, dhBeta, dWBeta);
                dWBeta = 1f;
            }
            TensorArena.Release(logits);
        }
    }

    /// <summary>logits [n, vocab] = hidden[r0 .. r0+n] · Wᵀ (+ b).</summary>
    private void ChunkLogits(int r0, int n)
    {
        var chunkLogits = logits.AsSpan(0, n * vocab);
        backend.Gemm(false, true, n, vocab, dim, 1f, hidden.Data.AsSpan(r0 * dim, n * dim), dim, weight.Data, dim, 0f, chunkLogits, vocab);
        if (bias is not null) backend.AddRowBroadcast(chunkLogits, bias.Data, chunkLogits, n, vocab);
    }

    /// <summary>
    /// Turns the chunk's logits into dlogits = scale · (softmax − onehot) in place (0 on ignored rows), then
    /// dh[r0 .. r0+n] += dlogits · W, dW += dlogitsᵀ · h_chunk, db += Σ_rows dlogits, for each target given
    /// (a beta of 0 overwrites dh's rows or dW instead of adding).
    /// </summary>
    private void ChunkGradients(int r0, int n, float scale, float[]? dh, float[]? dW, float[]? db, float dhBeta = 1f, float dWBeta = 1f)
    {
        var d = logits.AsSpan(0, n * vocab);
        backend.Softmax(d, d, n, vocab, SoftmaxMask.None);
        backend.Scale(d, scale, d);
        for (int r = 0; r < n; r++)
        {
            int t = labels[r0 + r];
            if (t == ignoreIndex) d.Slice(r * vocab, vocab).Clear();
            else d[r * vocab + t] -= scale;
        }
        if (dh is not null) // [n, C] += [n, vocab] · [vocab, C]
            backend.Gemm(false, false, n, dim, vocab, 1f, d, vocab, weight.Data, dim, dhBeta, dh.AsSpan(r0 * dim, n * dim), dim);
        if (dW is not null) // [vocab, C] += [n, vocab]ᵀ · [n, C]
            backend.Gemm(true, false, vocab, dim, n, 1f, d, vocab, hidden.Data.AsSpan(r0 * dim, n * dim), dim, dWBeta, dW, dim);
        if (db is not null) backend.AddColumnSums(d, db, n, vocab);
    }

    /// <summary>input.Grad += dLoss · a precomputed gradient, which then goes back to the arena.</summary>
    private void AddScaled(float dLoss, float[]? gradient, Tensor input)
    {
        if (gradient is null) return;
        backend.Axpy(dLoss, gradient, input.GradBuffer());
        TensorArena.Release(gradient);
    }
}
