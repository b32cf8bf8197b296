namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Fused attention, softmax(scale · q·kᵀ under <paramref name="mask"/>) · v, without the [.., Tq, Tk] scores or
    /// weights ever being stored (the backend's FlashAttention kernels; the backward pass recomputes them per tile).
    /// q is (.., Tq, D), k and v (.., Tk, D) with the same leading dims (e.g. (B, nh, T, hs)); returns (.., Tq, D).
    /// The mask reads as for <see cref="Softmax"/> over scores (.., Tq, Tk); a query that sees no key gets 0.
    /// Equals q.MatMul(k, transposeB: true).Scale(scale).Softmax(mask).MatMul(v) to float rounding.
    /// Grouped-query attention: k and v may have fewer heads than q, (.., n_kv, Tk, D) against q's (.., nh, Tq, D) with
    /// n_kv dividing nh; query head h then reads kv head h / (nh / n_kv), Hugging Face's repeat_kv without the copy.
    /// </summary>
    /// <param name="scale">Multiplies the scores; default 1/√D.</param>
    /// <param name="q">Queries (.., Tq, D).</param>
    /// <param name="k">Keys (.., Tk, D).</param>
    /// <param name="v">Values (.., Tk, D).</param>
    /// <param name="mask">Which keys each query sees; null: all of them.</param>
    public static Tensor ScaledDotProductAttention(this Tensor q, Tensor k, Tensor v, AttentionMaskSpec? mask = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        Shapes.SameBackend("ScaledDotProductAttention", q, k);
        Shapes.SameBackend("ScaledDotProductAttention", q, v);
        // the head axis (third from last) may shrink for k and v; every other leading axis is shared
        bool headsDivide = q.Rank < 3 || (k.Rank == q.Rank && k.Shape[^3] > 0 && q.Shape[^3] % k.Shape[^3] == 0);
        var lead = q.Rank >= 3 ? ..^3 : ..^2;
        if (q.Rank < 2 || k.Rank != q.Rank || !Shapes.Equal(k.Shape, v.Shape) || !headsDivide
            || !Shapes.Equal(q.Shape.AsSpan(lead), k.Shape.AsSpan(lead)) || q.Shape[^1] != k.Shape[^1])
            throw new ArgumentException(
                $"ScaledDotProductAttention: q {Shapes.Format(q.Shape)}, k {Shapes.Format(k.Shape)} and v {Shapes.Format(v.Shape)} " +
                "must be (.., nh, Tq, D), (.., n_kv, Tk, D) and (.., n_kv, Tk, D) with the same leading dims and n_kv dividing nh.", nameof(k));

        int tq = q.Shape[^2], tk = k.Shape[^2], d = q.Shape[^1];
        int groups = Shapes.Product(q.Shape.AsSpan(..^2));
        int kvGroups = Shapes.Product(k.Shape.AsSpan(..^2));   // = groups unless grouped-query
        float s = scale ?? 1f / MathF.Sqrt(d);
        var spec = mask ?? AttentionMaskSpec.None;
        int rowsPerBatch = CheckMask("ScaledDotProductAttention", q, spec, groups * tq, tk);

        var o = NewLike(q);
        var lse = TensorArena.Allocate(groups * tq); // [groups, Tq] logsumexp per row, what the backward pass recomputes P from
        q.Backend.AttentionForward(q.Data, k.Data, v.Data, o.Data, lse, groups, tq, tk, d, s, KernelMask(spec, tq, rowsPerBatch), kvGroups);
        return Graph.Record(o, "ScaledDotProductAttention", [q, k, v], (q, k, v, o, lse, spec, groups, kvGroups, tq, tk, d, s, rowsPerBatch),
            static (st, dO) =>
            {
                var (q, k, v, o, lse, spec, groups, kvGroups, tq, tk, d, s, rowsPerBatch) = st;
                // The kernel fills all three gradients at once; an input without one gets a throwaway buffer.
                using var spareQ = new Scratch(q.RequiresGrad ? 0 : q.Length);
                using var spareK = new Scratch(k.RequiresGrad ? 0 : k.Length);
                using var spareV = new Scratch(v.RequiresGrad ? 0 : v.Length);
                q.Backend.AttentionBackward(q.Data, k.Data, v.Data, o.Data, lse, dO,
                    q.RequiresGrad ? q.GradBuffer() : spareQ.Span,
                    k.RequiresGrad ? k.GradBuffer() : spareK.Span,
                    v.RequiresGrad ? v.GradBuffer() : spareV.Span,
                    groups, tq, tk, d, s, KernelMask(spec, tq, rowsPerBatch), kvGroups);
            });
    }
}
