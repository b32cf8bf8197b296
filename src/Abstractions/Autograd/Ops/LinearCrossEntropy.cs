namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Mean cross-entropy of the logits hidden · Wᵀ (+ b) against <paramref name="targets"/>, without ever holding
    /// the [N, vocab] logits: equals <c>hidden.Linear(weight, bias).CrossEntropy(targets, ignoreIndex)</c> to float
    /// rounding. hidden [.., C] (N rows), weight [vocab, C] (an LM head, possibly tied to the token embedding),
    /// bias [vocab] or null, targets [N]; ignored rows count for nothing and the mean is over the others (NaN when
    /// all are ignored, as <see cref="CrossEntropy"/>). Returns a scalar.
    /// </summary>
    /// <param name="chunkRows">
    /// Rows of logits computed at once; 0 picks the most rows whose [rows, vocab] buffer stays within
    /// <see cref="ChunkedLinearCrossEntropy.DefaultChunkFloats"/>, spread evenly over the chunks.
    /// </param>
    /// <remarks>See <see cref="ChunkedLinearCrossEntropy"/> for where the gradients are computed and what is kept.</remarks>
    /// <param name="hidden">The hidden states [.., C], N rows once the leading dims are flattened.</param>
    /// <param name="weight">The output projection [vocab, C].</param>
    /// <param name="bias">The output bias [vocab], or null.</param>
    /// <param name="targets">The target id of each row [N], or <paramref name="ignoreIndex"/>.</param>
    /// <param name="ignoreIndex">Rows whose target is this count for nothing (torch's ignore_index).</param>
    public static Tensor LinearCrossEntropy(this Tensor hidden, Tensor weight, Tensor? bias, int[] targets,
        int ignoreIndex = -100, int chunkRows = 0)
    {
        var (rows, dim, vocab) = CheckLinear("LinearCrossEntropy", hidden, weight, bias);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length != rows)
            throw new ArgumentException(
                $"LinearCrossEntropy: hidden {Shapes.Format(hidden.Shape)} has {rows} rows but targets has {targets.Length} values.",
                nameof(targets));
        ArgumentOutOfRangeException.ThrowIfNegative(chunkRows);

        // the caller may reuse its target buffer before Backward()
        var head = new ChunkedLinearCrossEntropy(hidden, weight, bias, (int[])targets.Clone(), ignoreIndex,
            ChunkedLinearCrossEntropy.ChunkRows(rows, vocab, chunkRows));
        var loss = Tensor.Scalar(hidden.Backend, head.Forward());
        ReadOnlySpan<Tensor> inputs = bias is null ? [hidden, weight] : [hidden, weight, bias];
        return Graph.Record(loss, "LinearCrossEntropy", inputs, head, static (head, dy) => head.Backward(dy[0]));
    }
}
