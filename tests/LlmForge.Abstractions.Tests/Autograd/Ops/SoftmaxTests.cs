using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class SoftmaxTests
{
    /// <summary>Reference softmax over rows of [rows, cols], masked entries 0, all-masked rows all 0.</summary>
    private static void AssertMatches(Tensor x, Tensor y, Func<int, int, bool> visible)
    {
        int cols = x.Shape[^1], rows = (int)(x.Length / cols);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < cols; c++) if (visible(r, c)) max = Math.Max(max, x.Data[r * cols + c]);
            for (int c = 0; c < cols; c++) if (visible(r, c)) sum += Math.Exp(x.Data[r * cols + c] - max);
            for (int c = 0; c < cols; c++)
            {
                double expected = visible(r, c) ? Math.Exp(x.Data[r * cols + c] - max) / sum : 0;
                Assert.Equal(expected, y.Data[r * cols + c], 1e-5);
            }
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Unmasked(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 5);
        AssertMatches(x, x.Softmax(), (_, _) => true);
        GradCheck.Assert(xs => xs[0].Softmax(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Causal(string backendName)
    {
        const int T = 4;
        var scores = GradCheck.Param(TestBackends.Create(backendName), 2, 2, 2, T, T); // (B, nh, T, T)
        var mask = AttentionMaskSpec.CausalMask();
        AssertMatches(scores, scores.Softmax(mask), (r, c) => c <= r % T);
        GradCheck.Assert(xs => xs[0].Softmax(mask), scores);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void CausalSlidingWindowAfterAKvCache(string backendName)
    {
        // 3 new queries at positions 2, 3, 4 attend over 5 keys, each seeing at most the last 2.
        const int Tq = 3, Tk = 5, Offset = 2, Window = 2;
        var scores = GradCheck.Param(TestBackends.Create(backendName), 3, 1, 2, Tq, Tk);
        var mask = AttentionMaskSpec.CausalMask(queryOffset: Offset, window: Window);
        AssertMatches(scores, scores.Softmax(mask), (r, c) =>
        {
            int p = Offset + r % Tq;
            return c <= p && c > p - Window;
        });
        GradCheck.Assert(xs => xs[0].Softmax(mask), scores);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void PaddingWithCausalLeavesFullyMaskedRowsZero(string backendName)
    {
        const int B = 2, H = 2, T = 4;
        // Item 0 is left-padded by one token: its query 0 sees no real key under the causal mask.
        byte[] keyValid = [0, 1, 1, 1, 1, 1, 1, 0];
        var scores = GradCheck.Param(TestBackends.Create(backendName), 4, B, H, T, T);
        var mask = new AttentionMaskSpec { Causal = true, KeyValid = keyValid };
        var y = scores.Softmax(mask);
        AssertMatches(scores, y, (r, c) => c <= r % T && keyValid[r / (H * T) * T + c] != 0);
        Assert.All(y.Data[..T], v => Assert.Equal(0f, v)); // (b 0, h 0, query 0)
        GradCheck.Assert(xs => xs[0].Softmax(mask), scores);
        GradCheck.Assert(xs => xs[0].Softmax(AttentionMaskSpec.Padding(keyValid)), scores);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BadMasksAreNamed(string backendName)
    {
        var scores = Tensor.Zeros(TestBackends.Create(backendName), 2, 2, 4, 4);
        Assert.Contains("not a multiple of Tk = 4",
            Assert.Throws<ArgumentException>(() => scores.Softmax(AttentionMaskSpec.Padding(new byte[6]))).Message);
        Assert.Contains("does not cover the 16 rows",
            Assert.Throws<ArgumentException>(() => scores.Softmax(AttentionMaskSpec.Padding(new byte[12]))).Message);
        Assert.Contains("must be ≥ 0",
            Assert.Throws<ArgumentException>(() => scores.Softmax(AttentionMaskSpec.CausalMask(window: -1))).Message);
    }
}
