using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

/// <summary>BiasGeluBackward against finite differences of L(x, b) = Σ w ⊙ GELU(x + b) in double (see <see cref="FiniteDifference"/>).</summary>
public class BiasGeluGradientTests
{
    private const int Rows = 5, Cols = 7;

    public static TheoryData<string, GeluApproximation> Forms => TestBackends.Cross(GeluApproximation.Tanh, GeluApproximation.Erf);

    [Theory]
    [MemberData(nameof(Forms))]
    public void Dx_and_dbias_match_finite_differences(string backend, GeluApproximation form)
    {
        var x = TestData.Uniform(Rows * Cols, 301, -4, 4);
        var bias = TestData.Uniform(Cols, 302, -1, 1);
        var w = TestData.Uniform(Rows * Cols, 303);
        Func<double, double> f = form == GeluApproximation.Tanh ? ReferenceKernels.GeluTanh : ReferenceKernels.GeluErf;
        double Loss(double[] xs, double[] b)
        {
            var y = new double[xs.Length];
            for (int i = 0; i < y.Length; i++) y[i] = f(xs[i] + b[i % Cols]);
            return FiniteDifference.Weighted(y, w);
        }
        double[] xd = TestData.ToDouble(x), bd = TestData.ToDouble(bias);
        var fdX = FiniteDifference.Gradient(xd, t => Loss(t, bd));
        var fdBias = FiniteDifference.Gradient(bd, t => Loss(xd, t));

        var dx = new float[Rows * Cols];
        var dbias = new float[Cols];
        TestBackends.Create(backend).BiasGeluBackward(x, bias, w, dx, dbias, Rows, Cols, form);
        Approx.Gradient(fdX, dx, $"BiasGelu {form} dx");
        Approx.Gradient(fdBias, dbias, $"BiasGelu {form} dbias");
    }
}
