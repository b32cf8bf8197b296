using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd;

/// <summary>Whole sub-graphs built from the ops, checked end to end: the shapes layers will wire together.</summary>
public class CompositeTests
{
    // nanoGPT's CausalSelfAttention + a residual LayerNorm/MLP, with every weight checked.
    private static Tensor Block(Tensor[] p, int nh)
    {
        var (x, wq, wk, wv, wo, gamma, wfc) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        int B = x.Shape[0], T = x.Shape[1], C = x.Shape[2], hs = C / nh;
        var h = x.LayerNorm(gamma, null);
        var q = h.Linear(wq).Reshape(B, T, nh, hs).Permute(0, 2, 1, 3); // (B, nh, T, hs)
        var k = h.Linear(wk).Reshape(B, T, nh, hs).Permute(0, 2, 1, 3);
        var v = h.Linear(wv).Reshape(B, T, nh, hs).Permute(0, 2, 1, 3);
        var att = q.MatMul(k, transposeB: true).Scale(1f / MathF.Sqrt(hs));  // (B, nh, T, T)
        att = att.Softmax(AttentionMaskSpec.CausalMask());
        var y = att.MatMul(v).Permute(0, 2, 1, 3).Reshape(B, T, C);         // (B, T, C)
        x = x + y.Linear(wo);
        return x + x.Linear(wfc).Gelu(GeluApproximation.Tanh);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TransformerBlock(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        const int B = 2, T = 3, C = 4;
        Tensor[] p =
        [
            GradCheck.Param(backend, 1, B, T, C),
            GradCheck.Param(backend, 2, 0.5f, C, C), GradCheck.Param(backend, 3, 0.5f, C, C),
            GradCheck.Param(backend, 4, 0.5f, C, C), GradCheck.Param(backend, 5, 0.5f, C, C),
            GradCheck.Param(backend, 6, C), GradCheck.Param(backend, 7, 0.5f, C, C),
        ];
        GradCheck.Assert(xs => Block(xs, nh: 2), p);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void EmbeddingsToLoss(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        const int B = 2, T = 3, V = 5, C = 4;
        int[] idx = [0, 3, 3, 1, 4, 2], targets = [3, 3, 1, -100, 2, 0];
        var wte = GradCheck.Param(backend, 1, V, C);
        var wpe = GradCheck.Param(backend, 2, T, C);
        var lnf = GradCheck.Param(backend, 3, C);
        // GPT-2's weight tying: the token table is also the output projection.
        GradCheck.Assert(xs =>
        {
            var x = xs[0].Embedding(idx, B, T) + xs[1];         // (B, T, C) + (T, C)
            var logits = x.LayerNorm(xs[2], null).Linear(xs[0]); // (B, T, V)
            return logits.CrossEntropy(targets);
        }, wte, wpe, lnf);
    }
}
