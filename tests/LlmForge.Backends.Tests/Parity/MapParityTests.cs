using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// Every <see cref="UnaryOp"/> of <see cref="ITensorBackend.Map"/> against its double reference, on odd lengths and a
/// large (parallel) one, over each function's domain including tiny and large magnitudes.
/// </summary>
public class MapParityTests
{
    public static TheoryData<string, UnaryOp, int> Cases()
    {
        var data = new TheoryData<string, UnaryOp, int>();
        foreach (var backend in TestBackends.All)
            foreach (var op in Enum.GetValues<UnaryOp>())
                foreach (int n in new[] { 1, 15, 33, 100_003 })
                    data.Add(backend, op, n);
        return data;
    }

    /// <summary>
    /// Positive inputs over [1e-3, 1e3] (log-uniform) for the positive-only functions, else the activations' inputs
    /// ([−12, 12] with tiny magnitudes, ±0 and large values).
    /// </summary>
    internal static float[] Inputs(UnaryOp op, int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        if (ReferenceMap.PositiveOnly(op))
        {
            for (int i = 0; i < n; i++) x[i] = MathF.Pow(10, (float)(rng.NextDouble() * 6 - 3));
            float[] positives = [1f, 1e-20f, 1e20f, 4f];
            for (int i = 0; i < Math.Min(n, positives.Length); i++) x[i * 3 % n] = positives[i];
            return x;
        }
        return ActivationParityTests.Inputs(n, seed);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map_matches_the_double_reference(string backend, UnaryOp op, int n)
    {
        var x = Inputs(op, n, 31 + (int)op);
        var y = new float[n];
        TestBackends.Create(backend).Map(op, x, y);
        Approx.Equal(ReferenceKernels.Map(x, ReferenceMap.Function(op)), y, Tolerances.Elementwise, $"Map {op}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Map_works_in_place(string backend)
    {
        var be = TestBackends.Create(backend);
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            var x = Inputs(op, 1013, 41);
            var y = (float[])x.Clone();
            be.Map(op, y, y);
            Approx.Equal(ReferenceKernels.Map(x, ReferenceMap.Function(op)), y, Tolerances.Elementwise, $"Map {op} in place");
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Domain_edges_follow_IEEE_as_PyTorch(string backend)
    {
        var be = TestBackends.Create(backend);
        var y = new float[2];
        be.Map(UnaryOp.Sqrt, [-1f, 0f], y);
        Assert.True(float.IsNaN(y[0]) && y[1] == 0, $"sqrt(−1), sqrt(0) = {y[0]}, {y[1]}");
        be.Map(UnaryOp.Log, [0f, -1f], y);
        Assert.True(float.IsNegativeInfinity(y[0]) && float.IsNaN(y[1]), $"log(0), log(−1) = {y[0]}, {y[1]}");
        be.Map(UnaryOp.Reciprocal, [0f, -0f], y);
        Assert.True(float.IsPositiveInfinity(y[0]) && float.IsNegativeInfinity(y[1]), $"1/0, 1/−0 = {y[0]}, {y[1]}");
        be.Map(UnaryOp.Relu, [float.NaN, -0f], y);
        Assert.True(float.IsNaN(y[0]) && y[1] == 0, $"relu(NaN), relu(−0) = {y[0]}, {y[1]}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Relu_gradient_at_zero_is_zero(string backend)
    {
        var dx = new float[3];
        TestBackends.Create(backend).MapBackward(UnaryOp.Relu, [0f, -2f, 2f], [5f, 5f, 5f], dx);
        Assert.Equal([0f, 0f, 5f], dx);
    }
}
