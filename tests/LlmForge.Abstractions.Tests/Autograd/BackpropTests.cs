using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd;

public class BackpropTests
{
    private static readonly LlmForge.Backends.ITensorBackend Backend = TestBackends.Create("Managed");

    [Fact]
    public void AValueUsedTwiceGetsTheSumOfBothGradients()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [1, 2, 3], 3));
        var loss = (x * x + x * 3f).Sum(); // ∂/∂x = 2x + 3, x reaching the graph three times
        loss.Backward();
        Assert.Equal([5f, 7f, 9f], x.Grad!);
    }

    [Fact]
    public void DiamondGraphRunsEachNodeOnceAfterAllItsConsumers()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [0.5f, -1f], 2));
        var h = x.Tanh();                      // shared intermediate
        var loss = (h * 2f + h * h).Sum();     // ∂/∂h = 2 + 2h
        loss.Backward();
        for (int i = 0; i < 2; i++)
        {
            double t = Math.Tanh(x.Data[i]);
            Assert.Equal((2 + 2 * t) * (1 - t * t), x.Grad![i], 5);
        }
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroGrad()
    {
        var w = Tensor.Parameter(Tensor.FromArray(Backend, [1, 2], 2));
        (w * 3f).Sum().Backward();
        Assert.Equal([3f, 3f], w.Grad!);
        (w * w).Sum().Backward(); // a second micro-batch adds 2w
        Assert.Equal([5f, 7f], w.Grad!);

        var buffer = w.Grad;
        w.ZeroGrad();
        Assert.Same(buffer, w.Grad!);
        Assert.Equal([0f, 0f], w.Grad!);
        (w * 3f).Sum().Backward();
        Assert.Equal([3f, 3f], w.Grad!);
    }

    [Fact]
    public void BackwardFreesIntermediateGradientsAndTheGraph()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [1, 2], 2));
        var h = x * 2f;
        var loss = h.Sum();
        var node = h.GradFn!;
        Assert.Equal("Scale", node.Op);
        Assert.Same(x, Assert.Single(node.Inputs));

        loss.Backward();
        Assert.NotNull(x.Grad);      // leaves keep theirs
        Assert.Null(h.Grad);         // intermediates do not
        Assert.Null(loss.Grad);
        Assert.True(node.IsReleased);
        Assert.Empty(node.Inputs);   // x and the saved buffers are no longer reachable from the graph

        var again = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("already back-propagated", again.Message);
        var through = Assert.Throws<InvalidOperationException>(() => (h * 1f).Sum().Backward());
        Assert.Contains("Scale", through.Message);
    }

    [Fact]
    public void DeepChainBackwardDoesNotOverflowTheStack()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [1f], 1));
        var y = x;
        for (int i = 0; i < 10_000; i++) y = y * 1.0001f;
        y.Sum().Backward();
        Assert.Equal(Math.Pow(1.0001, 10_000), x.Grad![0], tolerance: 1e-2);
    }

    [Fact]
    public void BackwardNeedsAScalarOrAMatchingGradient()
    {
        var x = Tensor.Parameter(Tensor.Ones(Backend, 2, 3));
        var y = x * 2f;
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[2,3] is not a scalar", e.Message);
        var shape = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(Backend, 3, 2)));
        Assert.Contains("gradOutput [3,2] must have the shape of the output [2,3]", shape.Message);

        y.Backward(Tensor.FromArray(Backend, [1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 12f], x.Grad!);
    }

    [Fact]
    public void BackwardOfATensorWithoutGradExplains()
    {
        var y = Tensor.Ones(Backend, 2) * 2f;
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void BackwardOnALeafSeedsItsOwnGradient()
    {
        var x = Tensor.Parameter(Tensor.Scalar(Backend, 4f));
        x.Backward();
        Assert.Equal([1f], x.Grad!);
    }

    [Fact]
    public void InputsWithoutGradGetNoBuffer()
    {
        var w = Tensor.Parameter(Tensor.Ones(Backend, 3));
        var data = Tensor.FromArray(Backend, [1, 2, 3], 3);
        (w * data).Sum().Backward();
        Assert.Equal([1f, 2f, 3f], w.Grad!);
        Assert.Null(data.Grad);
    }
}
