using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd;

public class GradModeTests
{
    private static readonly LlmForge.Backends.ITensorBackend Backend = TestBackends.Create("Managed");

    [Fact]
    public void NoGradRecordsNothing()
    {
        var w = Tensor.Parameter(Tensor.Ones(Backend, 2, 2));
        Tensor y;
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            y = w.MatMul(w).Tanh();
        }
        Assert.True(GradMode.IsEnabled);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.Equal(MathF.Tanh(2f), y.Data[0], 6);
    }

    [Fact]
    public void ScopesNest()
    {
        var outer = GradMode.NoGrad();
        var inner = GradMode.NoGrad();
        inner.Dispose();
        Assert.False(GradMode.IsEnabled); // still inside the outer scope
        inner.Dispose();                  // disposing twice changes nothing
        Assert.False(GradMode.IsEnabled);
        outer.Dispose();
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void RecordingResumesAfterTheScope()
    {
        var w = Tensor.Parameter(Tensor.Ones(Backend, 2));
        using (GradMode.NoGrad()) _ = w * 2f;
        var y = w * 2f;
        Assert.True(y.RequiresGrad);
        Assert.Equal("Scale", y.GradFn!.Op);
    }

    [Fact]
    public async Task TheScopeFlowsAcrossAwait()
    {
        using (GradMode.NoGrad())
        {
            await Task.Yield();
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
    }
}
