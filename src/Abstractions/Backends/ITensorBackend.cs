namespace LlmForge.Backends;

/// <summary>
/// The float32 kernel contract every compute backend implements: the whole set of kernels that
/// GPT and BERT training and inference need, and nothing more. Kernels work on plain row-major
/// buffers with explicit sizes, like llm.c's <c>X_forward</c> / <c>X_backward</c> pairs; they know
/// nothing of tensors, autograd or layers.
/// </summary>
/// <remarks>
/// Conventions, shared by every kernel:
/// <list type="bullet">
/// <item>Row-major storage. A "[rows, cols]" buffer holds row r at <c>r * cols</c>.</item>
/// <item>Element-wise kernels allow the output to be the same buffer as an input (in place).</item>
/// <item>Backward kernels <b>accumulate</b> into their gradient outputs (<c>dx += …</c>), so the
/// caller zeroes a gradient once and several uses of a value can add into it.</item>
/// <item>Sizes are checked on entry: a buffer shorter than its sizes require throws
/// <see cref="ArgumentException"/> naming the argument, never a crash deep in a kernel.</item>
/// </list>
/// </remarks>
public interface ITensorBackend
{
    /// <summary>Name used in configuration and in benchmark output ("Managed", "Mkl").</summary>
    string Name { get; }

    /// <summary>Worker threads the kernels use (defaults to every core).</summary>
    int Threads { get; set; }

    // ---------------------------------------------------------------- matrix products

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C, with op(X) = X or Xᵀ. op(A) is [m, k], op(B) is [k, n],
    /// C is [m, n]; lda/ldb/ldc are the row strides of A, B and C as stored.
    /// beta = 0 overwrites C (its old contents, even NaN, are ignored).
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    /// <summary>
    /// <paramref name="batch"/> independent products; matrix i of A starts at <c>i * strideA</c>, and
    /// likewise for B and C. A stride of 0 for A or B broadcasts one matrix to every product; strideC = 0 applies
    /// the products one after another to the same C (C ← alpha·AᵢBᵢ + beta·C), summing them when beta = 1.
    /// Attention uses it for Q·Kᵀ and P·V over (batch · heads).
    /// </summary>
    void GemmStridedBatched(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, long strideA,
        ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch);

    /// <summary>
    /// C [m, n] = A [m, k] · Bᵀ for B [n, k] stored as <see cref="BFloat16"/> (row-major, dense): a linear layer's
    /// weight [out, in] kept in half the bytes for inference. Products and sums are float32; C is overwritten.
    /// </summary>
    void GemmBf16(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c);

    /// <summary>
    /// C [m, n] = A [m, k] · Bᵀ for B [n, k] stored as 8-bit blocks (<see cref="Q8Blocks"/>: <paramref name="quants"/>
    /// [n, PaddedLength(k)], <paramref name="scales"/> [n, BlocksPerRow(k)]): a linear layer's weight [out, in] in int8 for
    /// inference. For m ≤ 4 (decoding) A's rows are quantized per block of 32 too (<see cref="Q8Blocks.QuantizeBlock"/>)
    /// and C[i, j] = Σ_blocks d_A · d_B · Σ q_A · q_B, the int8 dot of ggml's q8_0; for m &gt; 4 C = A · dequantized(B)ᵀ
    /// in float32. C is overwritten.
    /// </summary>
    void GemmQ8(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<sbyte> quants, ReadOnlySpan<float> scales, Span<float> c);

    // ---------------------------------------------------------------- element-wise

    /// <summary>y = a + b.</summary>
    void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    /// <summary>y = a ⊙ b.</summary>
    void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    /// <summary>y = alpha · x.</summary>
    void Scale(ReadOnlySpan<float> x, float alpha, Span<float> y);

    /// <summary>y += alpha · x (gradient accumulation).</summary>
    void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>y[r, c] = x[r, c] + bias[c] for x of [rows, cols] (bias add of a linear layer).</summary>
    void AddRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols);

    /// <summary>y[r, c] = x[r, c] · scale[c] for x of [rows, cols].</summary>
    void MulRowBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, int rows, int cols);

    /// <summary>y[c] += Σ_r x[r, c] (bias gradient).</summary>
    void AddColumnSums(ReadOnlySpan<float> x, Span<float> y, int rows, int cols);

    /// <summary>y = exp(x).</summary>
    void Exp(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>y = tanh(x).</summary>
    void Tanh(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx += dy · (1 − y²), given y = tanh(x).</summary>
    void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>GELU: the tanh approximation (GPT-2) or the exact erf form (BERT).</summary>
    void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation);

    /// <summary>dx += dy · GELU'(x).</summary>
    void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation);

    /// <summary>
    /// The bias add and GELU of a linear layer fused into one pass: y[r, c] = GELU(x[r, c] + bias[c]) for x of
    /// [rows, cols] (x = the GEMM output without its bias). The pre-activation x + bias is not stored: the backward
    /// pass recomputes it from x and bias (one add per element), cheaper than writing it and reading it back.
    /// </summary>
    void BiasGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
        GeluApproximation approximation);

    /// <summary>
    /// Backward of <see cref="BiasGelu"/> in one pass: g = dy ⊙ GELU'(x + bias); dx += g (the gradient of the
    /// pre-activation, and so of the GEMM output x) and dbias[c] += Σ_r g[r, c]. dbias may be empty (a frozen bias).
    /// </summary>
    void BiasGeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dbias, int rows, int cols, GeluApproximation approximation);

    /// <summary>
    /// y = act(gate) ⊙ up, the gated product of a GLU feed-forward (SwiGLU, GeGLU) in one pass: gate, up and y of one
    /// length (the [rows, H] outputs of gate_proj and up_proj). act(gate) is not stored: the backward pass recomputes it.
    /// Equals Map (or Gelu) of gate then Mul by up, to the bit where that Map or Gelu evaluates the function in double.
    /// </summary>
    void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, GateActivation activation);

    /// <summary>
    /// Backward of <see cref="GatedActivation"/> in one pass: dgate += dy ⊙ up ⊙ act'(gate) and dup += dy ⊙ act(gate),
    /// act and act' recomputed from gate. Either gradient may be empty (a frozen input), else of gate's length.
    /// </summary>
    void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation);

    /// <summary>
    /// y = f(x) for the element-wise function <paramref name="op"/> (see <see cref="UnaryOp"/>); y may be x.
    /// </summary>
    void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>
    /// dx += dy · f'(x) for the element-wise function <paramref name="op"/>: the backward pass of <see cref="Map"/>,
    /// the derivative recomputed from x (so the caller keeps only the input).
    /// </summary>
    void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>
    /// y[r, c] = x[r, c] + v[r] for x of [rows, cols] and v of [rows]: one value per row broadcast along it
    /// (PyTorch's <c>x - x.mean(-1, keepdim=True)</c>; rows = 1 adds a scalar to every element).
    /// </summary>
    void AddColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols);

    /// <summary>y[r, c] = x[r, c] · v[r] for x of [rows, cols] and v of [rows] (a per-row scale such as 1/σ).</summary>
    void MulColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols);

    /// <summary>Σ x² in double precision (global gradient norm for clipping).</summary>
    double SumOfSquares(ReadOnlySpan<float> x);

    // ---------------------------------------------------------------- reductions over the last axis

    /// <summary>y[r] = Σ_c x[r, c].</summary>
    void SumLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols);

    /// <summary>y[r] = max_c x[r, c].</summary>
    void MaxLastAxis(ReadOnlySpan<float> x, Span<float> y, int rows, int cols);

    // ---------------------------------------------------------------- softmax

    /// <summary>
    /// Softmax over the last axis of x [rows, cols], with optional masking (see <see cref="SoftmaxMask"/>).
    /// Masked entries get probability 0; a row whose every entry is masked becomes all zeros.
    /// </summary>
    void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, in SoftmaxMask mask);

    /// <summary>dx += y ⊙ (dy − Σ_c dy ⊙ y), given y = softmax(x). Masked entries (y = 0) get no gradient.</summary>
    void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols);

    // ---------------------------------------------------------------- fused attention

    /// <summary>
    /// Fused scaled-dot-product attention (FlashAttention-2): per group g (batch · head),
    /// O[g] = softmax(scale · Q[g] · K[g]ᵀ under <paramref name="mask"/>) · V[g], without ever forming the
    /// [Tq, Tk] score matrix. q and o are [groups, queryLength, headDim], k and v [groups, keyLength, headDim];
    /// logSumExp [groups, queryLength] receives each row's log Σ exp(visible scores), saved for the backward pass.
    /// The mask is read as the softmax's over scores [groups · queryLength, keyLength]: QueryLength = queryLength,
    /// and with padding RowsPerBatch a multiple of queryLength (heads · Tq). A row whose every key is masked gets
    /// O = 0 and logSumExp = −∞, as the masked softmax gives an all-zero row.
    /// Grouped-query attention: with keyValueGroups a divisor of groups, k and v
    /// are [keyValueGroups, keyLength, headDim] and query group g reads k/v group g / (groups / keyValueGroups) — for
    /// groups (B, nh) over kv groups (B, n_kv) that is Hugging Face's repeat_kv (head h reads kv head h / (nh / n_kv)),
    /// without the copy. keyValueGroups 0 (the default) or groups is one k/v group per query group.
    /// </summary>
    void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0);

    /// <summary>
    /// Backward of <see cref="AttentionForward"/>, recomputing the probabilities tile by tile from q, k and the
    /// saved logSumExp: accumulates dq += ∂L/∂q, dk += ∂L/∂k and dv += ∂L/∂v (shaped as q, k and v) given
    /// dO = ∂L/∂o. Fully masked rows pass no gradient. With grouped-query attention dk and dv, shaped as k and v,
    /// sum the gradients of every query group that shares them (keyValueGroups as for <see cref="AttentionForward"/>).
    /// </summary>
    void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0);

    // ---------------------------------------------------------------- normalization

    /// <summary>
    /// LayerNorm over the last axis: y = (x − mean) · rstd · gamma + beta, with rstd = 1/√(var + eps),
    /// var the biased variance. Saves mean [rows] and rstd [rows] for the backward pass.
    /// <paramref name="beta"/> may be empty (no bias).
    /// </summary>
    void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps);

    /// <summary>Accumulates dx, dgamma and dbeta (dbeta may be empty when there is no bias).</summary>
    void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd,
        Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols);

    /// <summary>RMSNorm over the last axis: y = x · rstd · gamma, rstd = 1/√(mean(x²) + eps). Saves rstd [rows].</summary>
    void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, Span<float> rstd,
        int rows, int cols, float eps);

    /// <summary>Accumulates dx and dgamma.</summary>
    void RmsNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, int rows, int cols);

    // ---------------------------------------------------------------- embeddings

    /// <summary>y[i, :] = table[ids[i], :] for a table of [vocab, dim]. An id outside [0, vocab) throws.</summary>
    void EmbeddingGather(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> y, int vocab, int dim);

    /// <summary>dtable[ids[i], :] += dy[i, :] (repeated ids add up).</summary>
    void EmbeddingScatterAdd(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> dtable, int vocab, int dim);

    // ---------------------------------------------------------------- cross-entropy

    /// <summary>
    /// Fused log-softmax + negative log-likelihood per row of logits [rows, vocab]:
    /// losses[r] = logsumexp(logits[r]) − logits[r, targets[r]], or 0 where targets[r] == ignoreIndex.
    /// Saves logSumExp [rows] for the backward pass. A target outside [0, vocab) that is not ignoreIndex throws.
    /// </summary>
    void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses,
        Span<float> logSumExp, int rows, int vocab, int ignoreIndex);

    /// <summary>
    /// dlogits[r] += gradScale · (softmax(logits[r]) − onehot(targets[r])) for every row not ignored.
    /// For a mean loss over N counted rows, gradScale = dLoss / N.
    /// </summary>
    void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> logSumExp,
        Span<float> dlogits, float gradScale, int rows, int vocab, int ignoreIndex);

    // ---------------------------------------------------------------- optimizer and regularization

    /// <summary>
    /// One AdamW step in place (decoupled weight decay, bias-corrected moments, <paramref name="step"/> = t counts
    /// from 1), in torch.optim.AdamW's exact order — the decay first, on the old p:
    /// p ← p·(1 − lr·weightDecay); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
    /// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps).
    /// Mathematically p −= lr · (m̂ / (√v̂ + eps) + weightDecay · p); the order above fixes the rounding.
    /// </summary>
    void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, float weightDecay, int step);

    /// <summary>
    /// Inverted dropout: mask[i] = 0 with probability p, else 1/(1−p); y = x ⊙ mask. The mask is a pure
    /// function of (seed, i), so the same seed gives the same mask on every backend and thread count.
    /// The backward pass is <see cref="Mul"/> of dy by the saved mask.
    /// </summary>
    void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ulong seed);

    // ---------------------------------------------------------------- layout

    /// <summary>
    /// y = x with its axes permuted: y's axis i is x's axis perm[i]. <paramref name="shape"/> is x's shape
    /// (any rank up to 6). Splitting heads is the permutation (0, 2, 1, 3) of [B, T, H, D].
    /// </summary>
    void Permute(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<float> y);
}
