namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Mean cross-entropy of logits [N, V] (or [B, T, V]) against class ids (one per row), as
    /// <c>torch.nn.functional.cross_entropy</c>: rows whose target is <paramref name="ignoreIndex"/> count for
    /// nothing, and the mean is over the other rows (NaN when every row is ignored, as in PyTorch). Fused
    /// log-softmax + NLL; returns a scalar.
    /// </summary>
    public static Tensor CrossEntropy(this Tensor logits, int[] targets, int ignoreIndex = -100)
    {
        var (rows, vocab, labels, losses, logSumExp) = CrossEntropyKernel(logits, targets, ignoreIndex);

        int counted = 0;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] == ignoreIndex) continue;
            counted++;
            sum += losses[r];
        }
        var loss = Tensor.Scalar(logits.Backend, counted == 0 ? float.NaN : (float)(sum / counted));
        return Graph.Record(loss, "CrossEntropy", [logits], (logits, labels, logSumExp, counted, rows, vocab, ignoreIndex), static (s, dy) =>
        {
            var (logits, labels, logSumExp, counted, rows, vocab, ignoreIndex) = s;
            var dlogits = logits.GradBuffer();
            if (counted == 0) return; // nothing counted: a zero gradient, not NaN
            // dlogits += dLoss / N · (softmax(logits) − onehot(target)) on counted rows
            logits.Backend.CrossEntropyBackward(logits.Data, labels, logSumExp, dlogits, dy[0] / counted,
                rows, vocab, ignoreIndex);
        });
    }

    /// <summary>
    /// The forward kernel both cross-entropies share: checks one target per row of <paramref name="logits"/> [.., V],
    /// keeps the targets for the backward (a copy when a graph records: the caller may reuse its buffer before
    /// Backward()), and returns each row's loss and logsumexp (arena buffers).
    /// </summary>
    private static (int Rows, int Vocab, int[] Labels, float[] Losses, float[] LogSumExp) CrossEntropyKernel(Tensor logits, int[] targets, int ignoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        var (rows, vocab) = Shapes.RowsByLastAxis(logits, "CrossEntropy");
        if (targets.Length != rows)
            throw new ArgumentException(
                $"CrossEntropy: logits {Shapes.Format(logits.Shape)} have {rows} rows but targets has {targets.Length} values.",
                nameof(targets));
        var labels = Graph.Records([logits]) ? (int[])targets.Clone() : targets;
        float[] losses = TensorArena.Allocate(rows), logSumExp = TensorArena.Allocate(rows);
        logits.Backend.CrossEntropy(logits.Data, labels, losses, logSumExp, rows, vocab, ignoreIndex);
        return (rows, vocab, labels, losses, logSumExp);
    }
}
