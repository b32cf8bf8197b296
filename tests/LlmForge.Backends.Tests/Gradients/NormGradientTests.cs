using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

public class NormGradientTests
{
    public static TheoryData<string, (int Rows, int Cols)> Shapes => TestBackends.Cross((1, 7), (5, 13), (3, 32));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LayerNormBackward_dx_dgamma_dbeta_match_finite_differences(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        const float eps = 1e-5f;
        var x = TestData.Uniform(rows * cols, 221, -2, 2);
        var gamma = TestData.Uniform(cols, 222, 0.5f, 1.5f);
        var beta = TestData.Uniform(cols, 223);
        var w = TestData.Uniform(rows * cols, 224);
        var (xd, gd, bd) = (TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta));
        double Loss(double[] xs, double[] gs, double[] bs) => FiniteDifference.Weighted(ReferenceNorms.LayerNorm(xs, gs, bs, rows, cols, eps).Y, w);

        var y = new float[rows * cols];
        var mean = new float[rows];
        var rstd = new float[rows];
        be.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, eps);
        var dx = TestData.Uniform(rows * cols, 225, -0.5f, 0.5f);
        var dgamma = TestData.Uniform(cols, 226, -0.5f, 0.5f);
        var dbeta = TestData.Uniform(cols, 227, -0.5f, 0.5f);
        var (dx0, dgamma0, dbeta0) = ((float[])dx.Clone(), (float[])dgamma.Clone(), (float[])dbeta.Clone());
        be.LayerNormBackward(w, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);

        Approx.Gradient(FiniteDifference.Gradient(xd, t => Loss(t, gd, bd)), Approx.Added(dx, dx0), "LayerNorm dx");
        Approx.Gradient(FiniteDifference.Gradient(gd, t => Loss(xd, t, bd)), Approx.Added(dgamma, dgamma0), "LayerNorm dgamma");
        Approx.Gradient(FiniteDifference.Gradient(bd, t => Loss(xd, gd, t)), Approx.Added(dbeta, dbeta0), "LayerNorm dbeta");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void LayerNormBackward_without_bias_and_over_many_rows(string backend)
    {
        // 600 rows x 96: the row chunks' partial dgamma sums; no dbeta.
        var be = TestBackends.Create(backend);
        int rows = 600, cols = 96;
        var x = TestData.Uniform(rows * cols, 228, -2, 2);
        var gamma = TestData.Uniform(cols, 229, 0.5f, 1.5f);
        var dy = TestData.Uniform(rows * cols, 230);
        var y = new float[rows * cols];
        var mean = new float[rows];
        var rstd = new float[rows];
        be.LayerNorm(x, gamma, default, y, mean, rstd, rows, cols, 1e-5f);
        var dgamma = new float[cols];
        be.LayerNormBackward(dy, x, gamma, mean, rstd, new float[rows * cols], dgamma, default, rows, cols);
        // dgamma[c] = Σ_r dy[r, c] · n[r, c], n from the double reference.
        var norm = ReferenceNorms.LayerNorm(TestData.ToDouble(x), Enumerable.Repeat(1.0, cols).ToArray(), null, rows, cols, 1e-5).Y;
        var expected = new double[cols];
        var magnitude = new double[cols];
        for (int i = 0; i < rows * cols; i++)
        {
            expected[i % cols] += dy[i] * norm[i];
            magnitude[i % cols] += Math.Abs(dy[i] * norm[i]);
        }
        Approx.Within(expected, dgamma, magnitude.Select(m => Tolerances.SumRelative * m).ToArray(), "dgamma");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RmsNormBackward_dx_dgamma_match_finite_differences(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        const float eps = 1e-6f;
        var x = TestData.Uniform(rows * cols, 231, -2, 2);
        var gamma = TestData.Uniform(cols, 232, 0.5f, 1.5f);
        var w = TestData.Uniform(rows * cols, 233);
        var (xd, gd) = (TestData.ToDouble(x), TestData.ToDouble(gamma));
        double Loss(double[] xs, double[] gs) => FiniteDifference.Weighted(ReferenceNorms.RmsNorm(xs, gs, rows, cols, eps).Y, w);

        var y = new float[rows * cols];
        var rstd = new float[rows];
        be.RmsNorm(x, gamma, y, rstd, rows, cols, eps);
        var dx = TestData.Uniform(rows * cols, 234, -0.5f, 0.5f);
        var dgamma = TestData.Uniform(cols, 235, -0.5f, 0.5f);
        var (dx0, dgamma0) = ((float[])dx.Clone(), (float[])dgamma.Clone());
        be.RmsNormBackward(w, x, gamma, rstd, dx, dgamma, rows, cols);

        Approx.Gradient(FiniteDifference.Gradient(xd, t => Loss(t, gd)), Approx.Added(dx, dx0), "RmsNorm dx");
        Approx.Gradient(FiniteDifference.Gradient(gd, t => Loss(xd, t)), Approx.Added(dgamma, dgamma0), "RmsNorm dgamma");
    }
}
