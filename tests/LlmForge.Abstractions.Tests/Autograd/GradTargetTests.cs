using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd;

/// <summary>
/// ZeroGrad leaves the clear for later, and the GEMMs of Linear, LinearGelu, MatMul and LinearCrossEntropy overwrite a
/// gradient that is still zero (beta 0) instead of clearing it and adding; activations a GEMM writes whole come from the
/// arena without a clear. Old values must never show through: gradients after NaN-filled buffers equal a clean run's.
/// </summary>
public class GradTargetTests
{
    private const int Rows = 37, Dim = 48, Inner = 64, Vocab = 50, Chunk = 8; // Dim > Rows: the LM head recomputes chunks

    private sealed class Net
    {
        public readonly Tensor X, W1, B1, W2, B2, W3, Head;
        public readonly int[] Targets;

        public Net(ITensorBackend backend)
        {
            X = GradCheck.Param(backend, 1, Rows, Dim);
            W1 = GradCheck.Param(backend, 2, 0.2f, Dim, Dim);
            B1 = GradCheck.Param(backend, 3, Dim);
            W2 = GradCheck.Param(backend, 4, 0.2f, Inner, Dim);
            B2 = GradCheck.Param(backend, 5, Inner);
            W3 = GradCheck.Param(backend, 6, 0.2f, Inner, Dim);
            Head = GradCheck.Param(backend, 7, 0.2f, Vocab, Dim);
            var rng = new Random(8);
            Targets = Enumerable.Range(0, Rows).Select(i => i % 7 == 3 ? -100 : rng.Next(Vocab)).ToArray();
        }

        public Tensor[] Parameters => [X, W1, B1, W2, B2, W3, Head];

        /// <summary>Intermediates that take each path: h (Linear), g (LinearGelu), the MatMul, the fused LM head.</summary>
        public void Backward()
        {
            var h = X.Linear(W1, B1);                    // [Rows, Dim]
            var g = h.LinearGelu(W2, B2);                // [Rows, Inner]
            var hidden = g.MatMul(W3) + h;               // [Rows, Dim]; h's gradient from two ops
            hidden.LinearCrossEntropy(Head, null, Targets, chunkRows: Chunk).Backward();
        }

        public float[][] Gradients() => Parameters.Select(p => (float[])p.Grad!.Clone()).ToArray();
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Gradients_after_NaN_filled_buffers_and_gradients_equal_a_clean_runs(string backend)
    {
        var clean = new Net(TestBackends.Create(backend));
        clean.Backward();
        var want = clean.Gradients();

        var reused = new Net(TestBackends.Create(backend));
        var arena = new TensorArena();
        var saved = reused.Parameters.Select(p => (float[])p.Data.Clone()).ToArray();
        using (arena.Step()) // NaN everywhere: every activation, intermediate gradient and parameter gradient
        {
            foreach (var p in reused.Parameters) Array.Fill(p.Data, float.NaN);
            reused.Backward();
        }
        Assert.True(float.IsNaN(reused.W1.Grad![0]), "the first pass should leave NaN gradients behind");
        for (int i = 0; i < saved.Length; i++) saved[i].CopyTo(reused.Parameters[i].Data, 0);
        foreach (var p in reused.Parameters) p.ZeroGrad();
        using (arena.Step()) reused.Backward(); // the same buffers again, holding NaN
        var got = reused.Gradients();

        for (int i = 0; i < want.Length; i++)
            Assert.True(want[i].AsSpan().SequenceEqual(got[i]), $"gradient {i} differs from the clean run's");
    }

    [Fact]
    public void A_zeroed_gradient_reads_as_zeros_and_an_accumulating_op_starts_from_zero()
    {
        var backend = TestBackends.Create("Managed");
        var x = GradCheck.Param(backend, 1, 3, 4);
        var w = GradCheck.Param(backend, 2, 5, 4);
        x.Linear(w).Sum().Backward();
        var once = (float[])x.Grad!.Clone();
        Assert.Contains(once, v => v != 0f);

        x.ZeroGrad();
        w.ZeroGrad();
        Assert.All(x.Grad!, v => Assert.Equal(0f, v)); // read before any op: cleared then

        x.ZeroGrad();
        (x * x).Sum().Backward(); // Mul accumulates (no overwrite): it must start from zero, not the stale values
        for (int i = 0; i < once.Length; i++) Assert.Equal(2f * x.Data[i], x.Grad![i]);

        x.ZeroGrad();
        x.Linear(w).Sum().Backward(); // overwritten (beta 0) after a ZeroGrad; twice: added
        Assert.True(once.AsSpan().SequenceEqual(x.Grad), "after ZeroGrad one backward gives one gradient");
        x.Linear(w).Sum().Backward();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2f * once[i], x.Grad![i]);
    }
}
