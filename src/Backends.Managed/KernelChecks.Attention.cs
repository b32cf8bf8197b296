using static LlmForge.Backends.Managed.ArgumentRules;

namespace LlmForge.Backends.Managed;

// The fused attention kernels' checks: q and o [groups, Tq, D], k and v [kvGroups, Tk, D] (kvGroups = groups unless
// grouped-query), logSumExp [groups, Tq].
public static partial class KernelChecks
{
    /// <summary>The argument checks of <see cref="ITensorBackend.AttentionForward"/>.</summary>
    public static void AttentionForward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> o, Span<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0)
    {
        AttentionSizes(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
        Rows(o.Length, groups * queryLength, headDim, nameof(o));
    }

    /// <summary>The argument checks of <see cref="ITensorBackend.AttentionBackward"/>.</summary>
    public static void AttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, ReadOnlySpan<float> dO,
        Span<float> dq, Span<float> dk, Span<float> dv, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups = 0)
    {
        AttentionSizes(q, k, v, o, logSumExp, groups, queryLength, keyLength, headDim, scale, mask, keyValueGroups);
        Rows(o.Length, groups * queryLength, headDim, nameof(o));
        Rows(dO.Length, groups * queryLength, headDim, nameof(dO));
        Rows(dq.Length, groups * queryLength, headDim, nameof(dq));
        int kvGroups = keyValueGroups == 0 ? groups : keyValueGroups;
        Rows(dk.Length, kvGroups * keyLength, headDim, nameof(dk));
        Rows(dv.Length, kvGroups * keyLength, headDim, nameof(dv));
    }

    private static void AttentionSizes(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> o, ReadOnlySpan<float> logSumExp, int groups, int queryLength, int keyLength, int headDim,
        float scale, in SoftmaxMask mask, int keyValueGroups)
    {
        NonNegative(groups, nameof(groups));
        NonNegative(keyValueGroups, nameof(keyValueGroups));
        if (keyValueGroups > 0 && groups % keyValueGroups != 0)
            throw new ArgumentException(
                $"keyValueGroups ({keyValueGroups}) must divide groups ({groups}): each kv group serves the same number of query groups.", nameof(keyValueGroups));
        int kvGroups = keyValueGroups == 0 ? groups : keyValueGroups;
        NonNegative(queryLength, nameof(queryLength));
        NonNegative(keyLength, nameof(keyLength));
        Positive(headDim, nameof(headDim));
        if (!float.IsFinite(scale))
            throw new ArgumentException($"scale must be finite, got {scale}.", nameof(scale));
        long rows = (long)groups * queryLength;
        if (rows > int.MaxValue || (long)groups * keyLength > int.MaxValue)
            throw new ArgumentException($"groups = {groups} with Tq = {queryLength}, Tk = {keyLength} is too large.", nameof(groups));
        Rows(q.Length, (int)rows, headDim, nameof(q));
        Rows(k.Length, kvGroups * keyLength, headDim, nameof(k));
        Rows(v.Length, kvGroups * keyLength, headDim, nameof(v));
        AtLeast(logSumExp.Length, rows, nameof(logSumExp), $"groups · queryLength = {rows}");
        if ((mask.Causal || mask.Window > 0) && mask.QueryLength != queryLength)
            throw new ArgumentException(
                $"mask.QueryLength ({mask.QueryLength}) must equal queryLength ({queryLength}) for a causal or window mask.", nameof(mask));
        if (!mask.KeyValid.IsEmpty && queryLength > 0 && mask.RowsPerBatch % queryLength != 0)
            throw new ArgumentException(
                $"mask.RowsPerBatch ({mask.RowsPerBatch}) must be a multiple of queryLength ({queryLength}): a padding mask covers whole groups.", nameof(mask));
        Mask(mask, (int)rows, keyLength);
    }
}
