using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class ActivationsTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GeluBothApproximations(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 4);
        var tanh = x.Gelu(GeluApproximation.Tanh);
        var erf = x.Gelu(GeluApproximation.Erf);
        for (int i = 0; i < 24; i++)
        {
            double v = x.Data[i];
            Assert.Equal(0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), tanh.Data[i], 1e-5);
            Assert.Equal(v * Phi(v), erf.Data[i], 1e-5);
        }
        GradCheck.Assert(xs => xs[0].Gelu(GeluApproximation.Tanh), x);
        GradCheck.Assert(xs => xs[0].Gelu(GeluApproximation.Erf), x);
    }

    // Standard normal CDF via a trapezoid integral of the density (no erf in System.Math).
    private static double Phi(double v)
    {
        const int steps = 20_000;
        double lo = -10, h = (v - lo) / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double t = lo + i * h, d = Math.Exp(-t * t / 2) / Math.Sqrt(2 * Math.PI);
            sum += i == 0 || i == steps ? d / 2 : d;
        }
        return sum * h;
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Tanh(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 2, 3, 4);
        Assert.Equal(Math.Tanh(x.Data[5]), x.Tanh().Data[5], 1e-6);
        GradCheck.Assert(xs => xs[0].Tanh(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Exp(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 3, 3, 4);
        Assert.Equal(Math.Exp(x.Data[5]), x.Exp().Data[5], 1e-5);
        GradCheck.Assert(xs => xs[0].Exp(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SigmoidAndSilu(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 4, 2, 3, 4);
        var sigmoid = x.Sigmoid();
        var silu = x.Silu();
        for (int i = 0; i < x.Length; i++)
        {
            double v = x.Data[i], s = 1 / (1 + Math.Exp(-v));
            Assert.Equal(s, sigmoid.Data[i], 1e-6);
            Assert.Equal(v * s, silu.Data[i], 1e-6);
        }
        GradCheck.Assert(xs => xs[0].Sigmoid(), x);
        GradCheck.Assert(xs => xs[0].Silu(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Relu(string backendName)
    {
        // Inputs kept at least 0.1 away from the kink at 0, where a finite difference is not a derivative.
        float[] data = [-2f, -0.5f, -0.1f, 0.1f, 0.7f, 3f, -1.25f, 1.5f];
        var x = Tensor.Parameter(Tensor.FromArray(TestBackends.Create(backendName), data, 2, 4));
        var y = x.Relu();
        for (int i = 0; i < data.Length; i++) Assert.Equal(Math.Max(data[i], 0f), y.Data[i]);
        GradCheck.Assert(xs => xs[0].Relu(), x);
    }
}
