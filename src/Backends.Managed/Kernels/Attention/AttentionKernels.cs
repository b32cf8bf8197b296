namespace LlmForge.Backends.Managed;

/// <summary>
/// Fused scaled-dot-product attention (FlashAttention-2), forward and backward, on the kernel workers. The forward
/// pass is parallel over (group, block of 64 query rows), the backward pass over kv groups (one writer per head's
/// dq, dk, dv; under grouped-query attention the query heads sharing a kv head run on its worker); each tile product is the packed GEMM on the worker's own thread (<see cref="TileGemm"/>).
/// </summary>
/// <remarks>
/// Tiles of [64 query rows × 256 keys] on the packed GEMM: on the project's 2-core AVX-512 machine a first version
/// with hand-written [32 × 64] register tiles ran the train-char shape (48 heads, T = 256, D = 64, causal) forward
/// about 2.6× slower than the unfused GEMM → softmax → GEMM path on one thread (best of 10 calls), losing on per-row
/// softmax call overhead over 64-key rows and a K tile transposed per block; GEMM tiles read q, k and v in place.
/// With them, steady state (best of 20 after 40 warm-up calls; the machine was shared, so ±30%), fused vs unfused:
/// train-char forward 6.0 vs 8.8 ms and backward 10.4 vs 18.0 ms on 2 threads; train-gpt2 (24 heads, T = 128)
/// about equal; bert (48 heads, T = 128, no mask) forward 2.1 vs 1.3–1.8 ms — its whole 128 × 128 scores are
/// one GEMM tile the unfused path needs no online softmax for. Larger 128-row blocks did not help (more masked
/// work on the causal diagonal). The MKL backend delegates here: its sgemm runs the AVX2 path on this CPU, about
/// half the managed GEMM's speed.
/// </remarks>
public static unsafe class AttentionKernels
{
    /// <summary>
    /// <see cref="ITensorBackend.AttentionForward"/> on <paramref name="threads"/> workers: o [groups, Tq, D] and the
    /// softmax rows' log-sum-exp [groups, Tq], which the backward pass reuses.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int threads, int keyValueGroups = 0)
    {
        KernelChecks.AttentionForward(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
        if (groups == 0 || queryLength == 0) return;
        fixed (float* pq = q, pk = k, pv = v, po = o, pl = logSumExp)
        fixed (byte* pm = mask.KeyValid)
        {
            var p = Problem(pq, pk, pv, po, pl, null, null, null, null, pm, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
            int blocks = (queryLength + AttentionTiles.QueryTile - 1) / AttentionTiles.QueryTile;
            int workers = Workers(2L * groups * queryLength * keyLength * headDim, threads);
            KernelWorkers.Run(groups * blocks, workers, p, static (in AttentionProblem p, int i) =>
            {
                // Index → (group, block), the late (heaviest causal) blocks first so that the light ones fill in at the end.
                int blocks = (p.Tq + AttentionTiles.QueryTile - 1) / AttentionTiles.QueryTile;
                FlashForward.Block(p, i % p.Groups, (blocks - 1 - i / p.Groups) * AttentionTiles.QueryTile);
            });
        }
    }

    /// <summary>
    /// <see cref="ITensorBackend.AttentionBackward"/> on <paramref name="threads"/> workers: dq, dk, dv accumulated from dO,
    /// recomputing each tile's softmax from the forward pass's log-sum-exp.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int threads, int keyValueGroups = 0)
    {
        KernelChecks.AttentionBackward(q, k, v, o, logSumExp, dO, dq, dk, dv, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
        if (groups == 0 || queryLength == 0 || keyLength == 0) return;
        fixed (float* pq = q, pk = k, pv = v, po = o, pl = logSumExp, pdo = dO, pdq = dq, pdk = dk, pdv = dv)
        fixed (byte* pm = mask.KeyValid)
        {
            var p = Problem(pq, pk, pv, po, pl, pdo, pdq, pdk, pdv, pm, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
            int workers = Workers(5L * groups * queryLength * keyLength * headDim, threads);
            // one worker per kv group: the query groups sharing its dk, dv run one after another on it
            KernelWorkers.Run(groups / p.QueriesPerKv, workers, p,
                static (in AttentionProblem p, int kv) => FlashBackward.KeyValueGroup(p, kv));
        }
    }

    /// <summary>One thread for a small problem (waking workers costs more), else all.</summary>
    private static int Workers(long flops, int threads) => flops < 8 * KernelParallel.MinWorkPerChunk ? 1 : threads;

    private static AttentionProblem Problem(float* q, float* k, float* v, float* o, float* lse,
        float* dO, float* dq, float* dk, float* dv, byte* keyValid,
        int groups, int queryLength, int keyLength, int headDim, float scale, in SoftmaxMask mask, int keyValueGroups) => new()
        {
            QueriesPerKv = keyValueGroups == 0 ? 1 : groups / keyValueGroups,
            Q = q, K = k, V = v, O = o, Lse = lse, DO = dO, DQ = dq, DK = dk, DV = dv,
            Groups = groups, Tq = queryLength, Tk = keyLength, D = headDim, Scale = scale,
            Causal = mask.Causal, Window = mask.Window, QueryOffset = mask.QueryOffset,
            KeyValid = mask.KeyValid.IsEmpty ? null : keyValid,
            GroupsPerBatch = mask.KeyValid.IsEmpty ? 1 : mask.RowsPerBatch / queryLength,
        };
}
