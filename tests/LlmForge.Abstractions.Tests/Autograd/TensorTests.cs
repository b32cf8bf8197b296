using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd;

public class TensorTests
{
    private static readonly LlmForge.Backends.ITensorBackend Backend = TestBackends.Create("Managed");

    [Fact]
    public void ZerosHasShapeRankAndLength()
    {
        var t = Tensor.Zeros(Backend, 2, 3, 4);
        Assert.Equal([2, 3, 4], t.Shape);
        Assert.Equal(3, t.Rank);
        Assert.Equal(24, t.Length);
        Assert.All(t.Data, v => Assert.Equal(0f, v));
        Assert.False(t.RequiresGrad);
        Assert.Null(t.Grad);
        Assert.True(t.IsLeaf);
    }

    [Fact]
    public void FromArrayWrapsDataAndValidatesItsLength()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(Backend, data, 2, 3);
        Assert.Same(data, t.Data);
        data[4] = 50;
        Assert.Equal(50, t.Span[4]);

        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(Backend, data, 4, 2));
        Assert.Contains("shape [4,2] needs 8 values but data has 6", e.Message);
        var negative = Assert.Throws<ArgumentException>(() => Tensor.Zeros(Backend, 2, -1));
        Assert.Contains("[2,-1]", negative.Message);
    }

    [Fact]
    public void ParameterSharesDataAndRequiresGrad()
    {
        var init = Tensor.Ones(Backend, 3);
        var p = Tensor.Parameter(init, "ln_f.weight");
        Assert.True(p.RequiresGrad);
        Assert.Same(init.Data, p.Data);
        Assert.Equal("ln_f.weight", p.Name);
        Assert.Contains("name=ln_f.weight", p.ToString());
    }

    [Fact]
    public void RandnIsSeededAndHasTheRequestedSpread()
    {
        var a = Tensor.Randn(Backend, 42, 0.02f, 100, 100);
        var b = Tensor.Randn(Backend, 42, 0.02f, 100, 100);
        var c = Tensor.Randn(Backend, 43, 0.02f, 100, 100);
        Assert.Equal(a.Data, b.Data);
        Assert.NotEqual(a.Data, c.Data);
        double mean = a.Data.Average(v => (double)v);
        double std = Math.Sqrt(a.Data.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.019, 0.021);
    }

    [Fact]
    public void UniformIsSeededAndInRange()
    {
        var a = Tensor.Uniform(Backend, 5, -0.5f, 0.5f, 1000);
        Assert.Equal(a.Data, Tensor.Uniform(Backend, new Random(5), -0.5f, 0.5f, 1000).Data);
        Assert.All(a.Data, v => Assert.InRange(v, -0.5f, 0.5f));
        Assert.True(a.Data.Min() < -0.45f && a.Data.Max() > 0.45f);
        Assert.Throws<ArgumentException>(() => Tensor.Uniform(Backend, 5, 1f, 1f, 3));
    }

    [Fact]
    public void ItemNeedsExactlyOneElement()
    {
        Assert.Equal(2.5f, Tensor.Scalar(Backend, 2.5f).Item());
        Assert.Equal(2.5f, Tensor.Full(Backend, 2.5f, 1, 1).Item());
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(Backend, 2, 3).Item());
        Assert.Contains("[2,3]", e.Message);
    }

    [Fact]
    public void ToStringShowsShapeGradFnAndValues()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [1, 2, 3, 4, 5, 6, 7, 8], 2, 4));
        var y = x * 2f;
        string text = y.ToString();
        Assert.StartsWith("Tensor [2,4] requires_grad grad_fn=Scale [2, 4, 6, 8, 10, 12, …]", text);
        Assert.Equal("Tensor [] [3]", Tensor.Scalar(Backend, 3f).ToString());
    }

    [Fact]
    public void ToArrayCopies()
    {
        var t = Tensor.Ones(Backend, 2);
        var copy = t.ToArray();
        copy[0] = 5;
        Assert.Equal(1f, t.Data[0]);
    }

    [Fact]
    public void DetachSharesDataAndCutsTheGraph()
    {
        var x = Tensor.Parameter(Tensor.FromArray(Backend, [1, 2, 3], 3));
        var y = x * 2f;
        var d = y.Detach();
        Assert.Same(y.Data, d.Data);
        Assert.False(d.RequiresGrad);
        Assert.Null(d.GradFn);

        // Gradient flows through y but not through the detached copy.
        var loss = (y * d).Sum(); // Σ 2x · (2x held constant) → ∂/∂x = 2 · 2x
        loss.Backward();
        Assert.Equal([4f, 8f, 12f], x.Grad!);
    }

    [Fact]
    public void RequiresGradCannotBeTurnedOffOnAGraphNode()
    {
        var x = Tensor.Parameter(Tensor.Ones(Backend, 2));
        var y = x * 3f;
        var e = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("Scale", e.Message);
        Assert.Contains("Detach", e.Message);
        x.RequiresGrad = false; // a leaf may freeze
        Assert.False(x.RequiresGrad);
    }

    [Fact]
    public void OperatorsForwardToOps()
    {
        var a = Tensor.FromArray(Backend, [1, 2], 2);
        var b = Tensor.FromArray(Backend, [10, 20], 2);
        Assert.Equal([11f, 22f], (a + b).Data);
        Assert.Equal([-9f, -18f], (a - b).Data);
        Assert.Equal([10f, 40f], (a * b).Data);
        Assert.Equal([-1f, -2f], (-a).Data);
        Assert.Equal([3f, 6f], (3f * a).Data);
        Assert.Equal([0.5f, 1f], (a / 2f).Data);
    }
}
