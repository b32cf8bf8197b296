using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class ReductionParityTests
{
    public static TheoryData<string, (int Rows, int Cols)> Matrices => TestBackends.Cross((1, 1), (7, 13), (29, 31), (5, 50257), (300, 257));

    [Theory]
    [MemberData(nameof(Matrices))]
    public void SumLastAxis_and_MaxLastAxis(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        var x = TestData.Uniform(rows * cols, 31, -5, 5);
        var y = new float[rows];

        be.SumLastAxis(x, y, rows, cols);
        var bounds = ReferenceKernels.AbsRowSums(x, rows, cols).Select(s => Tolerances.SumRelative * s + 1e-30).ToArray();
        Approx.Within(ReferenceKernels.RowSums(x, rows, cols), y, bounds, "SumLastAxis");

        be.MaxLastAxis(x, y, rows, cols);
        var max = Enumerable.Range(0, rows).Select(r => (double)x.Skip(r * cols).Take(cols).Max()).ToArray();
        Approx.Equal(max, y, new Tolerance(0, 0), "MaxLastAxis");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumOfSquares_in_double(string backend, int n)
    {
        var x = TestData.Uniform(n, 32, -2, 2);
        double expected = x.Sum(v => (double)v * v);
        double actual = TestBackends.Create(backend).SumOfSquares(x);
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(expected, 1e-300), $"SumOfSquares: got {actual:R}, expected {expected:R}.");
    }

    public static TheoryData<string, int> Lengths => TestBackends.Cross(0, 1, 17, 1_000_003);
}
