using Xunit;
using LlmForge.Backends;
using MathNet.Numerics;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>The erf GELU (VML's erf) against double references, over sizes that hit one block, many blocks and two threads.</summary>
public class MklBackendGeluTests
{
    public static TheoryData<int> Sizes => new() { 1, 17, 4096 * 3 + 5, 100_003 };

    private static double GeluErf(double x) => 0.5 * x * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2)));

    private static double GeluErfDerivative(double x) =>
        0.5 * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GeluErf_MatchesDouble(int n)
    {
        var x = Uniform(n, seed: 22, lo: -8f, hi: 8f);
        var y = new float[n];
        Backend(new RecordingBackend { Threads = 2 }).Gelu(x, y, GeluApproximation.Erf);
        for (int i = 0; i < n; i++)
        {
            double want = GeluErf(x[i]);
            // ½x(1 + erf) in float: 1 + erf cancels for negative x, leaving an absolute error of a few ulp of |x|.
            Assert.True(Math.Abs(y[i] - want) <= 3e-7 * Math.Max(1, Math.Abs(x[i])), $"gelu({x[i]}) = {y[i]}, expected {want}");
        }
    }

    [Fact]
    public void GeluErf_InPlace_MatchesOutOfPlace()
    {
        var x = Uniform(70_001, seed: 23, lo: -4f, hi: 4f);
        var y = new float[x.Length];
        var backend = Backend(new RecordingBackend { Threads = 2 });
        backend.Gelu(x, y, GeluApproximation.Erf);
        backend.Gelu(x, x, GeluApproximation.Erf);
        Assert.Equal(y, x);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GeluErfBackward_AccumulatesDoubleDerivative(int n)
    {
        var x = Uniform(n, seed: 24, lo: -8f, hi: 8f);
        var dy = Uniform(n, seed: 25);
        var dx = Uniform(n, seed: 26); // backward kernels add into dx
        var before = (float[])dx.Clone();
        Backend(new RecordingBackend { Threads = 2 }).GeluBackward(x, dy, dx, GeluApproximation.Erf);
        for (int i = 0; i < n; i++)
        {
            double want = before[i] + dy[i] * GeluErfDerivative(x[i]);
            Assert.True(Math.Abs(dx[i] - want) <= 1e-6 * (1 + Math.Abs(x[i])), $"dx[{i}] = {dx[i]}, expected {want} at x = {x[i]}");
        }
    }

    [Fact]
    public void Gelu_ShortOutput_NamesY()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Backend().Gelu(new float[8], new float[7], GeluApproximation.Erf));
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void GeluBackward_MismatchedGradient_NamesIt()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            Backend().GeluBackward(new float[8], new float[7], new float[8], GeluApproximation.Erf));
        Assert.Equal("dy", e.ParamName);
        e = Assert.ThrowsAny<ArgumentException>(() =>
            Backend().GeluBackward(new float[8], new float[8], new float[6], GeluApproximation.Erf));
        Assert.Equal("dx", e.ParamName);
    }
}
