using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class CrossEntropyTests
{
    private static double Reference(Tensor logits, int[] targets, int ignoreIndex)
    {
        int vocab = logits.Shape[^1];
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            var row = logits.Data.Skip(r * vocab).Take(vocab).Select(v => (double)v).ToArray();
            double max = row.Max(), lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            sum += lse - row[targets[r]];
            counted++;
        }
        return sum / counted;
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MeanOverRows(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 1, 2f, 4, 6); // (N, V)
        int[] targets = [5, 0, 3, 3];
        var loss = logits.CrossEntropy(targets);
        Assert.Empty(loss.Shape);
        Assert.Equal(Reference(logits, targets, -100), loss.Item(), 1e-5);
        GradCheck.Assert(xs => xs[0].CrossEntropy(targets), logits);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void IgnoredRowsCountForNothing(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 2, 2f, 2, 3, 5); // (B, T, V)
        int[] targets = [1, -100, 4, 0, -100, 2];
        Assert.Equal(Reference(logits, targets, -100), logits.CrossEntropy(targets).Item(), 1e-5);
        GradCheck.Assert(xs => xs[0].CrossEntropy(targets), logits);
        Assert.All(logits.Grad![5..10], g => Assert.Equal(0f, g)); // row 1 is ignored

        int[] custom = [1, 7, 4, 0, 7, 2];
        Assert.Equal(Reference(logits, custom, 7), logits.CrossEntropy(custom, ignoreIndex: 7).Item(), 1e-5);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void EveryRowIgnoredIsNaNWithZeroGradient(string backendName)
    {
        var logits = GradCheck.Param(TestBackends.Create(backendName), 3, 2, 4);
        var loss = logits.CrossEntropy([-100, -100]);
        Assert.True(float.IsNaN(loss.Item())); // as PyTorch's mean over no elements
        loss.Backward();
        Assert.All(logits.Grad!, g => Assert.Equal(0f, g));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TargetCountMustMatchRows(string backendName)
    {
        var logits = Tensor.Zeros(TestBackends.Create(backendName), 2, 3, 5);
        var e = Assert.Throws<ArgumentException>(() => logits.CrossEntropy([1, 2, 3, 4, 0]));
        Assert.Contains("logits [2,3,5] have 6 rows but targets has 5 values", e.Message);
    }
}
