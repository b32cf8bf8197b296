using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class NormParityTests
{
    public static TheoryData<string, (int Rows, int Cols)> Shapes => TestBackends.Cross((1, 1), (1, 7), (13, 29), (7, 768), (200, 384));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LayerNorm_with_and_without_bias(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        // Rows far from zero mean, where a one-pass E[x²] − E[x]² variance would cancel.
        var x = TestData.Uniform(rows * cols, 51, 9, 11);
        var gamma = TestData.Uniform(cols, 52, 0.5f, 1.5f);
        var beta = TestData.Uniform(cols, 53);
        foreach (var withBias in new[] { true, false })
        {
            var y = new float[rows * cols];
            var mean = new float[rows];
            var rstd = new float[rows];
            be.LayerNorm(x, gamma, withBias ? beta : default, y, mean, rstd, rows, cols, 1e-5f);
            var expected = ReferenceNorms.LayerNorm(TestData.ToDouble(x), TestData.ToDouble(gamma),
                withBias ? TestData.ToDouble(beta) : null, rows, cols, 1e-5);
            Approx.Equal(expected.Y, y, Tolerances.Norm, $"LayerNorm y (bias {withBias})");
            Approx.Equal(expected.Mean, mean, Tolerances.Norm, "LayerNorm mean");
            Approx.Equal(expected.Rstd, rstd, Tolerances.Norm, "LayerNorm rstd");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RmsNorm(string backend, (int Rows, int Cols) shape)
    {
        var (rows, cols) = shape;
        var x = TestData.Uniform(rows * cols, 54, -2, 2);
        var gamma = TestData.Uniform(cols, 55, 0.5f, 1.5f);
        var y = new float[rows * cols];
        var rstd = new float[rows];
        TestBackends.Create(backend).RmsNorm(x, gamma, y, rstd, rows, cols, 1e-6f);
        var expected = ReferenceNorms.RmsNorm(TestData.ToDouble(x), TestData.ToDouble(gamma), rows, cols, 1e-6);
        Approx.Equal(expected.Y, y, Tolerances.Norm, "RmsNorm y");
        Approx.Equal(expected.Rstd, rstd, Tolerances.Norm, "RmsNorm rstd");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void LayerNorm_of_constant_row_is_beta(string backend)
    {
        // var = 0: rstd = 1/√eps, x − mean = 0 exactly, so y = beta.
        int cols = 19;
        var x = Enumerable.Repeat(3.25f, cols).ToArray();
        var gamma = TestData.Uniform(cols, 56);
        var beta = TestData.Uniform(cols, 57);
        var y = new float[cols];
        var mean = new float[1];
        var rstd = new float[1];
        TestBackends.Create(backend).LayerNorm(x, gamma, beta, y, mean, rstd, 1, cols, 1e-5f);
        Assert.Equal(beta, y);
        Assert.Equal(3.25f, mean[0]);
        Assert.Equal(1 / Math.Sqrt(1e-5), rstd[0], 2);
    }
}
