using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class ConcatTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void AppendsAlongTheTimeAxis(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var past = GradCheck.Param(backend, 1, 2, 2, 3, 4); // (B, nh, T, hs)
        var now = GradCheck.Param(backend, 2, 2, 2, 1, 4);
        var k = F.Concat(-2, past, now);
        Assert.Equal([2, 2, 4, 4], k.Shape);
        for (int g = 0; g < 4; g++)
        {
            Assert.Equal(past.Data.AsSpan(g * 12, 12).ToArray(), k.Data.AsSpan(g * 16, 12).ToArray());
            Assert.Equal(now.Data.AsSpan(g * 4, 4).ToArray(), k.Data.AsSpan(g * 16 + 12, 4).ToArray());
        }
        GradCheck.Assert(xs => F.Concat(-2, xs[0], xs[1]), past, now);
        GradCheck.Assert(xs => F.Concat(0, xs[0], xs[0]), past); // the same tensor twice
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void InverseOfSplit(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 3, 3, 6);
        Assert.Equal(x.Data, F.Concat(1, x.Split(2, 1)).Data);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MismatchedShapesAreNamed(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var e = Assert.Throws<ArgumentException>(() => F.Concat(1, Tensor.Zeros(backend, 2, 3), Tensor.Zeros(backend, 3, 3)));
        Assert.Contains("[3,3] does not match [2,3] outside axis 1", e.Message);
    }
}
