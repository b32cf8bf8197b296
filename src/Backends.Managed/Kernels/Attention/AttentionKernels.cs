using System.Runtime.Intrinsics;
using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Fused scaled-dot-product attention (FlashAttention-2), forward and backward, on the kernel workers. The forward
/// pass is parallel over (group, block of 32 query rows), the backward pass over groups (one writer per head's
/// dq, dk, dv). Tiles run on AVX-512 registers where the CPU has them, else AVX2.
/// </summary>
/// <remarks>
/// Why tiles of its own and not the GEMM: a [32 × D]·[D × 64] tile product is too small for packing to pay, and
/// with the tiles written for it the scores never leave L1. The MKL backend delegates here: a cblas_sgemm call
/// per tile costs more in call overhead than these products take.
/// </remarks>
public static unsafe class AttentionKernels
{
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int threads)
    {
        KernelChecks.AttentionForward(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask);
        if (groups == 0 || queryLength == 0) return;
        fixed (float* pq = q, pk = k, pv = v, po = o, pl = logSumExp)
        fixed (byte* pm = mask.KeyValid)
        {
            var p = Problem(pq, pk, pv, po, pl, null, null, null, null, pm, groups, queryLength, keyLength, headDim, scale, mask);
            int blocks = (queryLength + FlashForward<Vector256<float>, Lanes256>.QueryTile - 1) / FlashForward<Vector256<float>, Lanes256>.QueryTile;
            int workers = Workers(2L * groups * queryLength * keyLength * headDim, threads);
            // Index → (group, block): heavy causal blocks (late queries) interleave with light ones across groups.
            if (Wide)
                KernelWorkers.Run(groups * blocks, workers, i => FlashForward<Vector512<float>, Lanes512>.Block(p, i % groups, i / groups * FlashForward<Vector512<float>, Lanes512>.QueryTile));
            else
                KernelWorkers.Run(groups * blocks, workers, i => FlashForward<Vector256<float>, Lanes256>.Block(p, i % groups, i / groups * FlashForward<Vector256<float>, Lanes256>.QueryTile));
        }
    }

    public static void Backward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int threads)
    {
        KernelChecks.AttentionBackward(q, k, v, o, logSumExp, dO, dq, dk, dv, groups, queryLength, keyLength, headDim, scale, mask);
        if (groups == 0 || queryLength == 0 || keyLength == 0) return;
        fixed (float* pq = q, pk = k, pv = v, po = o, pl = logSumExp, pdo = dO, pdq = dq, pdk = dk, pdv = dv)
        fixed (byte* pm = mask.KeyValid)
        {
            var p = Problem(pq, pk, pv, po, pl, pdo, pdq, pdk, pdv, pm, groups, queryLength, keyLength, headDim, scale, mask);
            int workers = Workers(5L * groups * queryLength * keyLength * headDim, threads);
            if (Wide)
                KernelWorkers.Run(groups, workers, g => FlashBackward<Vector512<float>, Lanes512>.Group(p, g));
            else
                KernelWorkers.Run(groups, workers, g => FlashBackward<Vector256<float>, Lanes256>.Group(p, g));
        }
    }

    /// <summary>One thread for a small problem (waking workers costs more), else all.</summary>
    private static int Workers(long flops, int threads) => flops < 8 * KernelParallel.MinWorkPerChunk ? 1 : threads;

    private static AttentionProblem Problem(float* q, float* k, float* v, float* o, float* lse,
        float* dO, float* dq, float* dk, float* dv, byte* keyValid,
        int groups, int queryLength, int keyLength, int headDim, float scale, in SoftmaxMask mask) => new()
        {
            Q = q, K = k, V = v, O = o, Lse = lse, DO = dO, DQ = dq, DK = dk, DV = dv,
            Groups = groups, Tq = queryLength, Tk = keyLength, D = headDim, Scale = scale,
            Causal = mask.Causal, Window = mask.Window, QueryOffset = mask.QueryOffset,
            KeyValid = mask.KeyValid.IsEmpty ? null : keyValid,
            GroupsPerBatch = mask.KeyValid.IsEmpty ? 1 : mask.RowsPerBatch / queryLength,
        };
}
