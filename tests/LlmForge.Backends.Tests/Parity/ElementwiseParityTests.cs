using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>Element-wise and row-broadcast kernels against double references, on odd lengths and large (parallel) ones.</summary>
public class ElementwiseParityTests
{
    /// <summary>1, primes around vector widths, and one large enough to run in parallel chunks.</summary>
    public static TheoryData<string, int> Lengths => TestBackends.Cross(1, 7, 17, 31, 1013, 200_003);

    public static TheoryData<string, (int Rows, int Cols)> Matrices => TestBackends.Cross((1, 1), (7, 13), (13, 29), (3, 1031), (400, 517));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Add_Mul_Scale_Axpy_Exp(string backend, int n)
    {
        var be = TestBackends.Create(backend);
        var a = TestData.Uniform(n, 1, -3, 3);
        var b = TestData.Uniform(n, 2, -3, 3);
        var y = new float[n];

        be.Add(a, b, y);
        Approx.Equal(a.Zip(b, (p, q) => (double)p + q).ToArray(), y, Tolerances.Elementwise, "Add");
        be.Mul(a, b, y);
        Approx.Equal(a.Zip(b, (p, q) => (double)p * q).ToArray(), y, Tolerances.Elementwise, "Mul");
        be.Scale(a, -0.375f, y);
        Approx.Equal(ReferenceKernels.Map(a, v => -0.375 * v), y, Tolerances.Elementwise, "Scale");
        be.Exp(a, y);
        Approx.Equal(ReferenceKernels.Map(a, Math.Exp), y, Tolerances.Elementwise, "Exp");

        var acc = (float[])b.Clone();
        be.Axpy(2.5f, a, acc);
        Approx.Equal(a.Zip(b, (p, q) => q + 2.5 * p).ToArray(), acc, new Tolerance(1e-5, 1e-6), "Axpy");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Elementwise_kernels_work_in_place(string backend, int n)
    {
        var be = TestBackends.Create(backend);
        var a = TestData.Uniform(n, 3);
        var b = TestData.Uniform(n, 4);
        var y = (float[])a.Clone();
        be.Add(y, b, y);
        Approx.Equal(a.Zip(b, (p, q) => (double)p + q).ToArray(), y, Tolerances.Elementwise, "Add in place");
        y = (float[])a.Clone();
        be.Tanh(y, y);
        Approx.Equal(ReferenceKernels.Map(a, Math.Tanh), y, Tolerances.Elementwise, "Tanh in place");
    }

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Row_broadcasts_and_column_sums(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        var x = TestData.Uniform(rows * cols, 5);
        var v = TestData.Uniform(cols, 6);
        var y = new float[rows * cols];

        be.AddRowBroadcast(x, v, y, rows, cols);
        Approx.Equal(Enumerable.Range(0, rows * cols).Select(i => (double)x[i] + v[i % cols]).ToArray(), y, Tolerances.Elementwise, "AddRowBroadcast");
        be.MulRowBroadcast(x, v, y, rows, cols);
        Approx.Equal(Enumerable.Range(0, rows * cols).Select(i => (double)x[i] * v[i % cols]).ToArray(), y, Tolerances.Elementwise, "MulRowBroadcast");

        // Accumulates: y starts non-zero.
        var sums = TestData.Uniform(cols, 7);
        var expected = new double[cols];
        var magnitude = new double[cols];
        for (int c = 0; c < cols; c++)
        {
            expected[c] = sums[c];
            magnitude[c] = Math.Abs(sums[c]);
            for (int r = 0; r < rows; r++)
            {
                expected[c] += x[r * cols + c];
                magnitude[c] += Math.Abs(x[r * cols + c]);
            }
        }
        be.AddColumnSums(x, sums, rows, cols);
        Approx.Within(expected, sums, magnitude.Select(s => Tolerances.SumRelative * s + 1e-30).ToArray(), "AddColumnSums");
    }
}
