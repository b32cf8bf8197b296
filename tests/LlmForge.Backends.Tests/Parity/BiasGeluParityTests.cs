using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// The fused bias + GELU pair against double references (both GELU forms, odd shapes), and against the unfused
/// kernels it replaces (AddRowBroadcast + Gelu, GeluBackward + AddColumnSums) on the same backend.
/// </summary>
public class BiasGeluParityTests(ITestOutputHelper output)
{
    /// <summary>(rows, cols): a single element, shapes off every vector width, and a GPT-2 feed-forward slice.</summary>
    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (7, 13), (129, 3072)];

    public static TheoryData<string, GeluApproximation, int> Cases()
    {
        var data = new TheoryData<string, GeluApproximation, int>();
        foreach (var backend in TestBackends.All)
            foreach (var form in new[] { GeluApproximation.Tanh, GeluApproximation.Erf })
                for (int s = 0; s < Shapes.Length; s++) data.Add(backend, form, s);
        return data;
    }

    private static Func<double, double> Reference(GeluApproximation form) =>
        form == GeluApproximation.Tanh ? ReferenceKernels.GeluTanh : ReferenceKernels.GeluErf;

    /// <summary>The pre-activation as the kernel forms it: x + bias rounded to float, then widened.</summary>
    private static double PreActivation(float[] x, float[] bias, int i, int cols) => x[i] + bias[i % cols];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BiasGelu_matches_double_reference(string backend, GeluApproximation form, int shape)
    {
        var (rows, cols) = Shapes[shape];
        var x = TestData.Uniform(rows * cols, 31 + shape, -6, 6);
        var bias = TestData.Uniform(cols, 32 + shape, -2, 2);
        var y = new float[rows * cols];
        TestBackends.Create(backend).BiasGelu(x, bias, y, rows, cols, form);

        var f = Reference(form);
        var expected = new double[y.Length];
        for (int i = 0; i < y.Length; i++) expected[i] = f(PreActivation(x, bias, i, cols));
        Approx.Equal(expected, y, Tolerances.Gelu, $"BiasGelu {form} {rows}x{cols}");
        output.WriteLine($"BiasGelu {form} {rows}x{cols}: max |err| {MaxError(expected, y):G3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BiasGeluBackward_matches_double_reference_and_accumulates(string backend, GeluApproximation form, int shape)
    {
        var (rows, cols) = Shapes[shape];
        var x = TestData.Uniform(rows * cols, 41 + shape, -6, 6);
        var bias = TestData.Uniform(cols, 42 + shape, -2, 2);
        var dy = TestData.Uniform(rows * cols, 43 + shape);
        var dx = TestData.Uniform(rows * cols, 44 + shape, -0.5f, 0.5f);
        var dbias = TestData.Uniform(cols, 45 + shape, -0.5f, 0.5f);
        float[] dxBefore = (float[])dx.Clone(), dbiasBefore = (float[])dbias.Clone();
        TestBackends.Create(backend).BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, form);

        var f = Reference(form);
        var g = new double[dx.Length];
        var dbiasExpected = new double[cols];
        double dbiasScale = 0;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = dy[i] * Derivative(f, PreActivation(x, bias, i, cols));
            dbiasExpected[i % cols] += g[i];
            dbiasScale = Math.Max(dbiasScale, Math.Abs(g[i]));
        }
        Approx.Equal(g, Approx.Added(dx, dxBefore), Tolerances.Accumulated, $"BiasGeluBackward {form} dx");
        // dbias sums `rows` gradients, each rounded once: bound by the sum's scale, not the (cancelling) result.
        Approx.Equal(dbiasExpected, Approx.Added(dbias, dbiasBefore),
            new Tolerance(Tolerances.SumRelative, Tolerances.SumRelative * rows * dbiasScale + 1e-6), $"BiasGeluBackward {form} dbias");
        output.WriteLine($"BiasGeluBackward {form} {rows}x{cols}: max |err| dx {MaxError(g, Approx.Added(dx, dxBefore)):G3}, " +
            $"dbias {MaxError(dbiasExpected, Approx.Added(dbias, dbiasBefore)):G3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_kernels_equal_the_unfused_ones(string backend, GeluApproximation form, int shape)
    {
        var (rows, cols) = Shapes[shape];
        var be = TestBackends.Create(backend);
        int n = rows * cols;
        var x = TestData.Uniform(n, 51 + shape, -6, 6);
        var bias = TestData.Uniform(cols, 52 + shape, -2, 2);
        var dy = TestData.Uniform(n, 53 + shape);

        var fused = new float[n];
        be.BiasGelu(x, bias, fused, rows, cols, form);
        var h = new float[n];
        var unfused = new float[n];
        be.AddRowBroadcast(x, bias, h, rows, cols);
        be.Gelu(h, unfused, form);
        Approx.Equal(TestData.ToDouble(unfused), fused, Tolerances.Gelu, "forward");

        float[] dxFused = new float[n], dbFused = new float[cols], dxUnfused = new float[n], dbUnfused = new float[cols];
        be.BiasGeluBackward(x, bias, dy, dxFused, dbFused, rows, cols, form);
        be.GeluBackward(h, dy, dxUnfused, form);
        be.AddColumnSums(dxUnfused, dbUnfused, rows, cols);
        Approx.Equal(TestData.ToDouble(dxUnfused), dxFused, Tolerances.Accumulated, "dx");
        Approx.Equal(TestData.ToDouble(dbUnfused), dbFused, new Tolerance(Tolerances.SumRelative, 1e-5 * Math.Sqrt(rows)), "dbias");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Empty_dbias_skips_the_bias_gradient(string backend)
    {
        var be = TestBackends.Create(backend);
        var x = TestData.Uniform(6, 61);
        float[] bias = [0.5f, -0.5f, 1f], dy = TestData.Uniform(6, 62), withBias = new float[6], without = new float[6];
        be.BiasGeluBackward(x, bias, dy, withBias, new float[3], 2, 3, GeluApproximation.Tanh);
        be.BiasGeluBackward(x, bias, dy, without, Span<float>.Empty, 2, 3, GeluApproximation.Tanh);
        Assert.Equal(withBias, without);
    }

    /// <summary>GELU'(h) by a central difference of the double reference (exact to ~1e-10).</summary>
    private static double Derivative(Func<double, double> f, double h)
    {
        double e = 1e-6 * Math.Max(1, Math.Abs(h));
        return (f(h + e) - f(h - e)) / (2 * e);
    }

    private static double MaxError(double[] expected, float[] actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        return max;
    }
}
