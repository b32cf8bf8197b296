using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class RotaryTests
{
    /// <summary>cos/sin tables [T, d] of the rotate-half convention: angle θ(t, i) = (t + 1) · (0.3 + 0.7·i), repeated in both halves.</summary>
    private static (Tensor Cos, Tensor Sin, double[,] Angle) Tables(Backends.ITensorBackend backend, int t, int d)
    {
        var angle = new double[t, d / 2];
        var cos = Tensor.Zeros(backend, t, d);
        var sin = Tensor.Zeros(backend, t, d);
        for (int p = 0; p < t; p++)
            for (int i = 0; i < d / 2; i++)
            {
                angle[p, i] = (p + 1) * (0.3 + 0.7 * i);
                foreach (int c in (int[])[i, i + d / 2])
                {
                    cos.Data[p * d + c] = (float)Math.Cos(angle[p, i]);
                    sin.Data[p * d + c] = (float)Math.Sin(angle[p, i]);
                }
            }
        return (cos, sin, angle);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void RotatesEachPairOfHalvesByItsAngle(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        const int B = 2, H = 3, T = 4, D = 6;
        var x = GradCheck.Param(backend, 3, B, H, T, D);
        var (cos, sin, angle) = Tables(backend, T, D);

        var y = x.Rotary(cos, sin);

        Assert.Equal(x.Shape, y.Shape);
        for (int row = 0; row < B * H * T; row++)
        {
            int p = row % T;
            for (int i = 0; i < D / 2; i++)
            {
                // (x1, x2) → (x1 cos θ − x2 sin θ, x2 cos θ + x1 sin θ), an independent statement of rotate-half
                double x1 = x.Data[row * D + i], x2 = x.Data[row * D + i + D / 2];
                double c = Math.Cos(angle[p, i]), s = Math.Sin(angle[p, i]);
                Assert.Equal(x1 * c - x2 * s, y.Data[row * D + i], 5);
                Assert.Equal(x2 * c + x1 * s, y.Data[row * D + i + D / 2], 5);
            }
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ScoresDependOnlyOnTheRelativePosition(string backendName)
    {
        // RoPE's point: ⟨R(m)q, R(n)k⟩ depends on m − n only. The same q and k placed at every position.
        var backend = TestBackends.Create(backendName);
        const int T = 6, D = 4;
        var q = Tensor.Randn(backend, 1, 1f, 1, D);
        var k = Tensor.Randn(backend, 2, 1f, 1, D);
        var qs = Tensor.FromArray(backend, [.. Enumerable.Repeat(q.Data, T).SelectMany(v => v)], T, D);
        var ks = Tensor.FromArray(backend, [.. Enumerable.Repeat(k.Data, T).SelectMany(v => v)], T, D);
        var (cos, sin, _) = Tables(backend, T, D);
        var scores = qs.Rotary(cos, sin).MatMul(ks.Rotary(cos, sin), transposeB: true); // (T, T)

        for (int m = 1; m < T; m++)
            for (int n = 1; n < T; n++)
                Assert.Equal(scores.Data[(m - 1) * T + n - 1], scores.Data[m * T + n], 4);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GradientMatchesFiniteDifferences(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var x = GradCheck.Param(backend, 5, 2, 2, 3, 8);
        var (cos, sin, _) = Tables(backend, 3, 8);
        GradCheck.Assert(xs => xs[0].Rotary(cos, sin), x);
        // through a product, so the upstream gradient is not a plain random w
        var other = GradCheck.Param(backend, 6, 2, 2, 3, 8);
        GradCheck.Assert(xs => xs[0].Rotary(cos, sin) * xs[1].Rotary(cos, sin), x, other);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BadShapesAreNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var (cos, sin, _) = Tables(backend, 3, 4);
        Assert.Contains("even d", Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 3, 5).Rotary(cos, sin)).Message);
        Assert.Contains("must both be [T, d] = [2,4]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 1, 2, 4).Rotary(cos, sin)).Message);
        Assert.Contains("must not require grad",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 3, 4).Rotary(Tensor.Parameter(cos), sin)).Message);
    }
}
