using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class NarrowTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SlicesAnyAxis(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 6);
        var y = x.Narrow(-1, 2, 3);
        Assert.Equal([2, 3, 3], y.Shape);
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(x.Data[r * 6 + 2 + c], y.Data[r * 3 + c]);
        var middle = x.Narrow(1, 1, 2);
        Assert.Equal([2, 2, 6], middle.Shape);
        Assert.Equal(x.Data[18 + 6 + 4], middle.Data[12 + 4]);

        GradCheck.Assert(xs => xs[0].Narrow(-1, 2, 3), x);
        GradCheck.Assert(xs => xs[0].Narrow(1, 1, 2), x);
        GradCheck.Assert(xs => xs[0].Narrow(0, 1, 1), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SplitsAFusedQkvProjection(string backendName)
    {
        const int C = 2;
        var qkv = GradCheck.Param(TestBackends.Create(backendName), 2, 2, 3, 3 * C); // (B, T, 3C)
        var parts = qkv.Split(C, -1);
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.Equal([2, 3, C], p.Shape));
        Assert.Equal(qkv.Data[6 + 2 * C + 1], parts[2].Data[2 + 1]);
        // every piece used, with different weights, so each slice's gradient lands in its own place
        GradCheck.Assert(xs =>
        {
            var p = xs[0].Split(C, -1);
            return p[0] * p[1] + p[2].Tanh();
        }, qkv);
        Assert.Equal([2, 1], qkv.Split(2, 1).Select(p => p.Shape[1]).ToArray()); // the last piece is shorter
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void OutOfRangeIsNamed(string backendName)
    {
        var x = Tensor.Zeros(TestBackends.Create(backendName), 2, 4);
        Assert.Contains("[3, 6) is outside axis 1 (size 4) of [2,4]",
            Assert.Throws<ArgumentException>(() => x.Narrow(1, 3, 3)).Message);
        Assert.Contains("axis 2 is out of range", Assert.Throws<ArgumentException>(() => x.Narrow(2, 0, 1)).Message);
    }
}
