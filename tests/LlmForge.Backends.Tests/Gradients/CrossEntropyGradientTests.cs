using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

public class CrossEntropyGradientTests
{
    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void CrossEntropyBackward_is_gradScale_times_the_gradient_of_the_summed_loss(string backend)
    {
        var be = TestBackends.Create(backend);
        int rows = 6, vocab = 11;
        const int ignore = -1;
        var logits = TestData.Uniform(rows * vocab, 241, -4, 4);
        int[] targets = [3, ignore, 0, 10, ignore, 7];
        // A mean over the 4 counted rows: dL/dlogits = (1/4) · d(Σ losses)/dlogits.
        const float gradScale = 0.25f;
        var fd = FiniteDifference.Gradient(TestData.ToDouble(logits),
            t => gradScale * ReferenceCrossEntropy.CrossEntropy(t, targets, rows, vocab, ignore).Losses.Sum());

        var losses = new float[rows];
        var lse = new float[rows];
        be.CrossEntropy(logits, targets, losses, lse, rows, vocab, ignore);
        var dlogits = TestData.Uniform(rows * vocab, 242, -0.5f, 0.5f);
        var before = (float[])dlogits.Clone();
        be.CrossEntropyBackward(logits, targets, lse, dlogits, gradScale, rows, vocab, ignore);
        var added = Approx.Added(dlogits, before);
        Approx.Gradient(fd, added, "dlogits");
        foreach (int r in new[] { 1, 4 })
            Assert.All(added.AsSpan(r * vocab, vocab).ToArray(), g => Assert.Equal(0f, g));
    }
}
