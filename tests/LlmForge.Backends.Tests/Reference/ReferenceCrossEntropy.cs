namespace LlmForge.Tests.Backends.Reference;

/// <summary>Per-row cross-entropy in double: logsumexp(logits[r]) − logits[r, target], 0 where the target is ignored.</summary>
public static class ReferenceCrossEntropy
{
    public static (double[] Losses, double[] LogSumExp) CrossEntropy(double[] logits, int[] targets, int rows, int vocab, int ignoreIndex)
    {
        var losses = new double[rows];
        var lse = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            double max = double.NegativeInfinity;
            for (int c = 0; c < vocab; c++) max = Math.Max(max, logits[r * vocab + c]);
            double sum = 0;
            for (int c = 0; c < vocab; c++) sum += Math.Exp(logits[r * vocab + c] - max);
            lse[r] = max + Math.Log(sum);
            losses[r] = lse[r] - logits[r * vocab + targets[r]];
        }
        return (losses, lse);
    }
}
