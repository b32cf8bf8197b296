using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class SmoothedCrossEntropyTests
{
    /// <summary>torch.nn.CrossEntropyLoss(label_smoothing=ε) in double: (1 − ε)·nll + ε·mean_j(−log p_j), mean over counted rows.</summary>
    private static double Reference(Tensor logits, int[] targets, double epsilon, int ignoreIndex = -100)
    {
        int vocab = logits.Shape[^1];
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            var row = logits.Data.Skip(r * vocab).Take(vocab).Select(v => (double)v).ToArray();
            double max = row.Max(), lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            sum += (1 - epsilon) * (lse - row[targets[r]]) + epsilon * row.Average(v => lse - v);
            counted++;
        }
        return sum / counted;
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MatchesTheSmoothedTargetDistributionAndItsGradient(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 11, 2f, 2, 3, 7); // (B, T, V)
        int[] targets = [1, -100, 6, 0, 3, -100];
        var loss = logits.SmoothedCrossEntropy(targets, labelSmoothing: 0.1f);
        Assert.Empty(loss.Shape);
        double expected = Reference(logits, targets, 0.1);
        Assert.True(Math.Abs(loss.Item() - expected) <= 1e-5, $"loss {loss.Item()} vs reference {expected}");
        GradCheck.Assert(xs => xs[0].SmoothedCrossEntropy(targets, labelSmoothing: 0.1f), logits);
        Assert.All(logits.Grad![7..14], g => Assert.Equal(0f, g));  // row 1 is ignored
        Assert.All(logits.Grad![35..42], g => Assert.Equal(0f, g)); // row 5 too
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SmoothingChangesTheLossAndZeroIsPlainCrossEntropy(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 12, 3f, 4, 5);
        int[] targets = [4, 0, 2, 2];
        Assert.Equal(logits.CrossEntropy(targets).Item(), logits.SmoothedCrossEntropy(targets, labelSmoothing: 0f).Item());
        float smoothed = logits.SmoothedCrossEntropy(targets, labelSmoothing: 0.3f).Item();
        Assert.True(Math.Abs(smoothed - Reference(logits, targets, 0.3)) <= 1e-5);
        Assert.True(Math.Abs(smoothed - logits.CrossEntropy(targets).Item()) > 1e-3, "ε = 0.3 must change the loss");
        // ε = 1: the target no longer matters
        Assert.True(Math.Abs(logits.SmoothedCrossEntropy(targets, labelSmoothing: 1f).Item() - logits.SmoothedCrossEntropy([0, 1, 3, 4], labelSmoothing: 1f).Item()) <= 1e-6);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void EveryRowIgnoredIsNaNWithZeroGradient(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 13, 2, 4);
        var loss = logits.SmoothedCrossEntropy([-100, -100], labelSmoothing: 0.1f);
        Assert.True(float.IsNaN(loss.Item()));
        loss.Backward();
        Assert.All(logits.Grad!, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void SmoothingOutsideZeroToOneIsRefused()
    {
        var logits = GradCheck.Param(TestBackends.Create("Managed"), 14, 2, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => logits.SmoothedCrossEntropy([0, 1], labelSmoothing: 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => logits.SmoothedCrossEntropy([0, 1], labelSmoothing: float.NaN));
    }
}
