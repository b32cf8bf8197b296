namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Mean cross-entropy of logits [N, V] (or [B, T, V]) against class ids with label smoothing ε, as
    /// <c>torch.nn.CrossEntropyLoss(ignore_index=ignoreIndex, label_smoothing=ε)</c>: the target distribution is
    /// (1 − ε)·onehot + ε/V, so a row's loss is (1 − ε)·(lse − x_t) + ε·(lse − mean_j x_j); rows whose target is
    /// <paramref name="ignoreIndex"/> count for nothing and the mean is over the others (NaN when every row is ignored).
    /// ε = 0 is <see cref="CrossEntropy"/>. Returns a scalar.
    /// </summary>
    /// <remarks>
    /// Fused over the CrossEntropy kernel pair (losses and logsumexp per row; dlogits += s·(softmax − onehot)); the
    /// smoothing adds the row means to the forward and s·ε·(onehot − 1/V) to the gradient:
    /// d loss / d x_j = s·(softmax_j − (1 − ε)·[j = t] − ε/V), s = 1 / counted rows.
    /// </remarks>
    /// <param name="logits">The logits [.., V].</param>
    /// <param name="targets">One class id per row, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <param name="ignoreIndex">Rows whose target is this count for nothing (torch's ignore_index).</param>
    /// <exception cref="ArgumentOutOfRangeException">ε outside [0, 1].</exception>
    public static Tensor SmoothedCrossEntropy(this Tensor logits, int[] targets, float labelSmoothing, int ignoreIndex = -100)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1] (as PyTorch's).");
        if (labelSmoothing == 0f) return logits.CrossEntropy(targets, ignoreIndex);
        var (rows, vocab, labels, losses, logSumExp) = CrossEntropyKernel(logits, targets, ignoreIndex);

        int counted = 0;
        double sum = 0;
        var data = logits.Data;
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] == ignoreIndex) continue;
            counted++;
            double rowSum = 0;
            foreach (float x in data.AsSpan(r * vocab, vocab)) rowSum += x;
            double smooth = logSumExp[r] - rowSum / vocab; // −mean_j log p_j
            sum += (1 - labelSmoothing) * losses[r] + labelSmoothing * smooth;
        }
        TensorArena.Release(losses);
        var loss = Tensor.Scalar(logits.Backend, counted == 0 ? float.NaN : (float)(sum / counted));
        return Graph.Record(loss, "SmoothedCrossEntropy", [logits], (logits, labels, logSumExp, counted, rows, vocab, ignoreIndex, labelSmoothing),
            static (s, dy) =>
            {
                var (logits, labels, logSumExp, counted, rows, vocab, ignoreIndex, epsilon) = s;
                var dlogits = logits.GradBuffer();
                if (counted == 0) return; // nothing counted: a zero gradient, not NaN
                float scale = dy[0] / counted;
                // s·(softmax − onehot), then + s·ε·onehot − s·ε/V on the counted rows
                logits.Backend.CrossEntropyBackward(logits.Data, labels, logSumExp, dlogits, scale, rows, vocab, ignoreIndex);
                float spread = scale * epsilon / vocab, back = scale * epsilon;
                for (int r = 0; r < rows; r++)
                {
                    int t = labels[r];
                    if (t == ignoreIndex) continue;
                    var row = dlogits.AsSpan(r * vocab, vocab);
                    for (int j = 0; j < row.Length; j++) row[j] -= spread;
                    row[t] += back;
                }
            });
    }
}
