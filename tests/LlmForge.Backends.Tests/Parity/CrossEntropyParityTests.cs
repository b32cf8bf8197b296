using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class CrossEntropyParityTests
{
    public static TheoryData<string, (int Rows, int Vocab)> Shapes => TestBackends.Cross((1, 1), (7, 13), (5, 50257), (300, 129));

    private const int Ignore = -100;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CrossEntropy_and_backward_with_ignored_rows(string backend, (int Rows, int Vocab) s)
    {
        var be = TestBackends.Create(backend);
        int rows = s.Rows, vocab = s.Vocab;
        var logits = TestData.Uniform(rows * vocab, 71, -8, 8);
        var targets = TestData.Ints(rows, 72, vocab);
        for (int r = 1; r < rows; r += 3) targets[r] = Ignore;
        var losses = TestData.Uniform(rows, 73);   // garbage that must be overwritten
        var lse = TestData.Uniform(rows, 74);

        be.CrossEntropy(logits, targets, losses, lse, rows, vocab, Ignore);
        var expected = ReferenceCrossEntropy.CrossEntropy(TestData.ToDouble(logits), targets, rows, vocab, Ignore);
        Approx.Equal(expected.Losses, losses, Tolerances.CrossEntropy, "losses");
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == Ignore) Assert.Equal(0f, losses[r]);
            else Assert.Equal(expected.LogSumExp[r], lse[r], Tolerances.CrossEntropy.Relative * Math.Abs(expected.LogSumExp[r]) + 1e-5);
        }

        // dlogits += scale · (softmax − onehot), ignored rows untouched.
        const float scale = 0.37f;
        var dlogits = TestData.Uniform(rows * vocab, 75, -0.5f, 0.5f);
        var grad = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < vocab; c++)
            {
                int i = r * vocab + c;
                grad[i] = dlogits[i];
                if (targets[r] == Ignore) continue;
                grad[i] += scale * (Math.Exp(logits[i] - expected.LogSumExp[r]) - (c == targets[r] ? 1 : 0));
            }
        var before = (float[])dlogits.Clone();
        be.CrossEntropyBackward(logits, targets, lse, dlogits, scale, rows, vocab, Ignore);
        Approx.Equal(grad, dlogits, Tolerances.Accumulated, "dlogits");
        for (int r = 1; r < rows; r += 3)
            Assert.True(before.AsSpan(r * vocab, vocab).SequenceEqual(dlogits.AsSpan(r * vocab, vocab)), $"ignored row {r} was changed");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Ignore_index_inside_the_vocabulary_still_ignores(string backend)
    {
        // A pad id of 0 used as ignore index: rows with target 0 are skipped, not scored.
        var logits = TestData.Uniform(3 * 5, 76);
        int[] targets = [0, 3, 0];
        var losses = new float[3];
        var lse = new float[3];
        TestBackends.Create(backend).CrossEntropy(logits, targets, losses, lse, 3, 5, ignoreIndex: 0);
        Assert.Equal(0f, losses[0]);
        Assert.Equal(0f, losses[2]);
        Assert.True(losses[1] > 0);
    }
}
