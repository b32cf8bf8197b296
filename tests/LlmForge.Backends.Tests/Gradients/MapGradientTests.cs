using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

/// <summary><see cref="ITensorBackend.MapBackward"/> for every <see cref="UnaryOp"/> against finite differences of the double references.</summary>
public class MapGradientTests
{
    private const int N = 61;

    public static TheoryData<string, UnaryOp> Cases() => TestBackends.Cross(Enum.GetValues<UnaryOp>());

    /// <summary>[0.05, 8] for the positive-only functions, else [−6, 6].</summary>
    private static float[] Inputs(UnaryOp op, int n, int seed) =>
        ReferenceMap.PositiveOnly(op) ? TestData.Uniform(n, seed, 0.05f, 8f) : TestData.Uniform(n, seed, -6, 6);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MapBackward_matches_finite_differences_and_accumulates(string backend, UnaryOp op)
    {
        var x = Inputs(op, N, 301);
        var w = TestData.Uniform(N, 302);
        var f = ReferenceMap.Function(op);
        var fd = FiniteDifference.Gradient(TestData.ToDouble(x), t => FiniteDifference.Weighted(t.Select(f).ToArray(), w));

        var dx = TestData.Uniform(N, 303, -0.5f, 0.5f);
        var before = (float[])dx.Clone();
        TestBackends.Create(backend).MapBackward(op, x, w, dx);
        Approx.Gradient(fd, Approx.Added(dx, before), $"{op} dx");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MapBackward_on_large_buffer_matches_small_path(string backend, UnaryOp op)
    {
        // The vectorized, multi-threaded path against element-by-element calls of length 1 (the scalar tail).
        var be = TestBackends.Create(backend);
        int n = 70_001;
        var x = Inputs(op, n, 304);
        var dy = TestData.Uniform(n, 305);
        ScalarTail.AssertMatches(x, dy, TestData.Uniform(n, 306), (x, dy, dx) => be.MapBackward(op, x, dy, dx), op.ToString());
    }
}
