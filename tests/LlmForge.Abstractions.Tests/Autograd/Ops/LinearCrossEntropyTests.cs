using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Autograd.Ops;

/// <summary>
/// F.LinearCrossEntropy (LM head + cross-entropy in chunks of rows) against the unfused hidden.Linear(W, b).CrossEntropy.
/// dim 16 ≤ 37 rows takes the path that precomputes the gradients in forward; dim 48 > 37 the one that recomputes
/// each chunk's logits in backward.
/// </summary>
public class LinearCrossEntropyTests(ITestOutputHelper output)
{
    private const int Rows = 37, Vocab = 50, Chunk = 8; // 37 = 4 · 8 + 5: the last chunk is short

    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var backend in new[] { "Managed", "Mkl" })
            foreach (int dim in new[] { 16, 48 })
                foreach (bool withBias in new[] { false, true }) data.Add(backend, dim, withBias);
        return data;
    }

    /// <summary>Targets with ignored rows, including a whole ignored chunk-boundary row.</summary>
    private static int[] Targets()
    {
        var rng = new Random(3);
        var t = new int[Rows];
        for (int i = 0; i < Rows; i++) t[i] = i % 5 == 2 ? -100 : rng.Next(Vocab);
        return t;
    }

    [Theory, MemberData(nameof(Cases))]
    public void LossAndGradientsEqualLinearThenCrossEntropy(string backendName, int dim, bool withBias)
    {
        var backend = TestBackends.Create(backendName);
        var targets = Targets();
        var fused = Run(backend, dim, withBias, targets, (h, w, b) => h.LinearCrossEntropy(w, b, targets, chunkRows: Chunk));
        var unfused = Run(backend, dim, withBias, targets, (h, w, b) => h.Linear(w, b).CrossEntropy(targets));
        Assert.Equal(unfused.Loss, fused.Loss, 1e-5);
        for (int i = 0; i < fused.Grads.Length; i++)
            output.WriteLine($"dim {dim} bias {withBias} grad {i}: max |fused − unfused| {AssertClose(unfused.Grads[i], fused.Grads[i]):G3}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string backendName, int dim, bool withBias)
    {
        var backend = TestBackends.Create(backendName);
        int[] targets = [3, -100, 7, 0, 9, 9, -100];
        var h = GradCheck.Param(backend, 21, 7, dim);
        var w = GradCheck.Param(backend, 22, 0.5f, 10, dim);
        var b = GradCheck.Param(backend, 23, 10);
        // GradCheck seeds a random upstream gradient, so the scaling by dLoss is checked too.
        if (withBias) GradCheck.Assert(xs => xs[0].LinearCrossEntropy(xs[1], xs[2], targets, chunkRows: 3), h, w, b);
        else GradCheck.Assert(xs => xs[0].LinearCrossEntropy(xs[1], null, targets, chunkRows: 3), h, w);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TiedWeightAccumulatesHeadAndEmbeddingGradients(string backendName)
    {
        // GPT-2 ties lm_head to wte: the one weight gets the embedding's scatter and the head's dW.
        var backend = TestBackends.Create(backendName);
        var targets = Targets();
        var ids = Enumerable.Range(0, Rows).Select(i => (i * 7) % Vocab).ToArray();
        foreach (int dim in new[] { 16, 48 })
        {
            float[] Grad(bool fusedOp)
            {
                var wte = GradCheck.Param(backend, 31, dim == 16 ? 1f : 0.5f, Vocab, dim);
                var h = wte.Embedding(ids, Rows).Tanh();
                var loss = fusedOp ? h.LinearCrossEntropy(wte, null, targets, chunkRows: Chunk) : h.Linear(wte).CrossEntropy(targets);
                (loss * 0.5f).Backward(); // an upstream gradient other than 1, as with gradient accumulation
                return wte.Grad!;
            }
            output.WriteLine($"tied dim {dim}: max |fused − unfused| {AssertClose(Grad(false), Grad(true)):G3}");
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void NoGradComputesOnlyTheLoss(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var targets = Targets();
        var h = GradCheck.Param(backend, 41, Rows, 16);
        var w = GradCheck.Param(backend, 42, Vocab, 16);
        float expected = h.LinearCrossEntropy(w, null, targets).Item();
        using (GradMode.NoGrad())
        {
            var loss = h.LinearCrossEntropy(w, null, targets, chunkRows: Chunk);
            Assert.False(loss.RequiresGrad);
            Assert.Equal(expected, loss.Item(), 1e-6);
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void AllRowsIgnoredGiveNaNAndZeroGradients(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var h = GradCheck.Param(backend, 51, 3, 4);
        var w = GradCheck.Param(backend, 52, 6, 4);
        var loss = h.LinearCrossEntropy(w, null, [-100, -100, -100]);
        Assert.True(float.IsNaN(loss.Item()));
        loss.Backward();
        Assert.All(h.Grad ?? new float[12], g => Assert.Equal(0f, g));
        Assert.All(w.Grad ?? new float[24], g => Assert.Equal(0f, g));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BadArgumentsNameTheArgument(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var h = Tensor.Zeros(backend, 3, 4);
        var w = Tensor.Zeros(backend, 6, 4);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => h.LinearCrossEntropy(w, null, [1, 2])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 3, 5).LinearCrossEntropy(w, null, [1, 2, 3])).ParamName);
        Assert.Equal("chunkRows", Assert.Throws<ArgumentOutOfRangeException>(() => h.LinearCrossEntropy(w, null, [1, 2, 3], chunkRows: -1)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => h.LinearCrossEntropy(w, null, [1, 2, 6])).ParamName);
    }

    [Fact]
    public void DefaultChunksAreEvenAndWithinTheBudget()
    {
        Assert.Equal(256, ChunkedLinearCrossEntropy.ChunkRows(256, 50257, 0));  // GPT-2 at B·T = 256: one chunk
        Assert.Equal(316, ChunkedLinearCrossEntropy.ChunkRows(4096, 50257, 0));  // 333 rows fit 64 MB: 13 even chunks
        Assert.Equal(2048, ChunkedLinearCrossEntropy.ChunkRows(2048, 65, 0));  // one chunk
        Assert.Equal(5, ChunkedLinearCrossEntropy.ChunkRows(5, 10, 8));
    }

    private static (float Loss, float[][] Grads) Run(ITensorBackend backend, int dim, bool withBias, int[] targets,
        Func<Tensor, Tensor, Tensor?, Tensor> loss)
    {
        var h = GradCheck.Param(backend, 11, Rows, dim);
        var w = GradCheck.Param(backend, 12, 0.5f, Vocab, dim);
        var b = withBias ? GradCheck.Param(backend, 13, Vocab) : null;
        var l = loss(h, w, b);
        float value = l.Item();
        (l * 0.25f).Backward();
        return (value, b is null ? [h.Grad!, w.Grad!] : [h.Grad!, w.Grad!, b.Grad!]);
    }

    private static double AssertClose(float[] expected, float[] actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]);
            max = Math.Max(max, err);
            Assert.True(err <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"[{i}]: fused {actual[i]:R}, unfused {expected[i]:R}");
        }
        return max;
    }
}
