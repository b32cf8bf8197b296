using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

/// <summary>Backward kernels of tanh and GELU against finite differences of the double references (see <see cref="FiniteDifference"/>).</summary>
public class ActivationGradientTests
{
    private const int N = 61;

    /// <summary>Inputs over [−6, 6], where the derivatives vary most, including near 0.</summary>
    private static float[] Inputs() => TestData.Uniform(N, 201, -6, 6);

    public static TheoryData<string, GeluApproximation> Forms => TestBackends.Cross(GeluApproximation.Tanh, GeluApproximation.Erf);

    [Theory]
    [MemberData(nameof(Forms))]
    public void GeluBackward_matches_finite_differences_and_accumulates(string backend, GeluApproximation form)
    {
        var x = Inputs();
        var w = TestData.Uniform(N, 202);
        Func<double, double> f = form == GeluApproximation.Tanh ? ReferenceKernels.GeluTanh : ReferenceKernels.GeluErf;
        var fd = FiniteDifference.Gradient(TestData.ToDouble(x), t => FiniteDifference.Weighted(t.Select(f).ToArray(), w));

        var dx = TestData.Uniform(N, 203, -0.5f, 0.5f);
        var before = (float[])dx.Clone();
        TestBackends.Create(backend).GeluBackward(x, w, dx, form);
        Approx.Gradient(fd, Approx.Added(dx, before), $"GELU {form} dx");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void TanhBackward_matches_finite_differences_and_accumulates(string backend)
    {
        var be = TestBackends.Create(backend);
        var x = TestData.Uniform(N, 204, -3, 3);
        var w = TestData.Uniform(N, 205);
        var fd = FiniteDifference.Gradient(TestData.ToDouble(x), t => FiniteDifference.Weighted(t.Select(Math.Tanh).ToArray(), w));

        var y = new float[N];
        be.Tanh(x, y);
        var dx = TestData.Uniform(N, 206, -0.5f, 0.5f);
        var before = (float[])dx.Clone();
        be.TanhBackward(y, w, dx);
        Approx.Gradient(fd, Approx.Added(dx, before), "tanh dx");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void GeluBackward_on_large_buffer_matches_small_path(string backend, GeluApproximation form)
    {
        // The vectorized, multi-threaded path against element-by-element calls of length 1 (the scalar tail).
        var be = TestBackends.Create(backend);
        int n = 70_001;
        var x = TestData.Uniform(n, 207, -8, 8);
        var dy = TestData.Uniform(n, 208);
        ScalarTail.AssertMatches(x, dy, new float[n], (x, dy, dx) => be.GeluBackward(x, dy, dx, form), $"GELU {form}");
    }
}
