using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class ReshapeTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SharesDataAndInfersMinusOne(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 4);
        var y = x.Reshape(6, -1);
        Assert.Equal([6, 4], y.Shape);
        Assert.Same(x.Data, y.Data);
        Assert.Equal([2, 3, 2, 2], x.Reshape(2, 3, 2, 2).Shape);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GradientFlowsThrough(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 4);
        GradCheck.Assert(xs => xs[0].Reshape(4, 6).Tanh(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void WrongSizesAreNamed(string backendName)
    {
        var x = Tensor.Zeros(TestBackends.Create(backendName), 2, 3);
        Assert.Contains("cannot view [2,3] (6 elements) as [4,2] (8 elements)",
            Assert.Throws<ArgumentException>(() => x.Reshape(4, 2)).Message);
        Assert.Contains("cannot view [2,3] (6 elements) as [4,-1]",
            Assert.Throws<ArgumentException>(() => x.Reshape(4, -1)).Message);
        Assert.Contains("more than one", Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1)).Message);
    }
}
