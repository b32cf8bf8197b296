using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// The fused gated product act(gate) ⊙ up against a double reference, against the unfused kernels it replaces
/// (Map/Gelu then Mul; Mul, MapBackward/GeluBackward and Mul backward) on the same backend (to the bit where both use the managed math), and across backends.
/// </summary>
public class GatedActivationParityTests(ITestOutputHelper output)
{
    /// <summary>Lengths: a single element, one off every vector width, and a Llama-like (B·T = 9, H = 1376) slice.</summary>
    private static readonly int[] Lengths = [1, 37, 9 * 1376];

    public static TheoryData<string, GateActivation, int> Cases()
    {
        var data = new TheoryData<string, GateActivation, int>();
        foreach (var backend in TestBackends.All)
            foreach (var activation in Enum.GetValues<GateActivation>())
                for (int s = 0; s < Lengths.Length; s++) data.Add(backend, activation, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_double_reference(string backend, GateActivation activation, int length)
    {
        int n = Lengths[length];
        var gate = TestData.Uniform(n, 71 + length, -6, 6);
        var up = TestData.Uniform(n, 72 + length, -2, 2);
        var y = new float[n];
        TestBackends.Create(backend).GatedActivation(gate, up, y, activation);

        var f = ReferenceGate.Function(activation);
        var expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = f(gate[i]) * up[i];
        Approx.Equal(expected, y, Tolerances.Gelu, $"GatedActivation {activation} n={n}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_kernels_equal_the_unfused_ones_to_the_bit(string backend, GateActivation activation, int length)
    {
        int n = Lengths[length];
        var be = TestBackends.Create(backend);
        var gate = TestData.Uniform(n, 81 + length, -6, 6);
        var up = TestData.Uniform(n, 82 + length, -2, 2);
        var dy = TestData.Uniform(n, 83 + length);
        var dgate = TestData.Uniform(n, 84 + length, -0.5f, 0.5f);
        var dup = TestData.Uniform(n, 85 + length, -0.5f, 0.5f);

        var fused = new float[n];
        be.GatedActivation(gate, up, fused, activation);
        float[] act = new float[n], unfused = new float[n];
        ReferenceGate.Unfused(be, activation, gate, act);
        be.Mul(act, up, unfused);
        Same(backend, activation, unfused, fused, Tolerances.Gelu, "y");

        // Unfused backward as the autograd graph runs it: dact = dy ⊙ up, then act's backward into dgate; dup += dy ⊙ act.
        float[] dgateFused = (float[])dgate.Clone(), dupFused = (float[])dup.Clone();
        be.GatedActivationBackward(gate, up, dy, dgateFused, dupFused, activation);
        float[] dact = new float[n], term = new float[n];
        be.Mul(dy, up, dact);
        ReferenceGate.UnfusedBackward(be, activation, gate, dact, dgate);
        be.Mul(dy, act, term);
        be.Axpy(1f, term, dup);
        Same(backend, activation, dgate, dgateFused, Tolerances.Accumulated, "dgate");
        Same(backend, activation, dup, dupFused, Tolerances.Accumulated, "dup");
    }

    /// <summary>
    /// Bit-equal, except where the unfused kernel is not the managed math: MKL's erf GELU is VML's (single precision),
    /// while the fused kernel evaluates GELU in double on every backend, so there the two agree to the tolerance.
    /// </summary>
    private static void Same(string backend, GateActivation activation, float[] unfused, float[] fused, Tolerance tolerance, string what)
    {
        if (backend == "Mkl" && activation == GateActivation.GeluErf) Approx.Equal(TestData.ToDouble(unfused), fused, tolerance, what);
        else Assert.Equal(unfused, fused);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backends_agree(string backend, GateActivation activation, int length)
    {
        int n = Lengths[length];
        var gate = TestData.Uniform(n, 91 + length, -6, 6);
        var up = TestData.Uniform(n, 92 + length, -2, 2);
        var dy = TestData.Uniform(n, 93 + length);
        var (y, dgate, dup) = Run(TestBackends.Create(backend), gate, up, dy, activation);
        var (yRef, dgateRef, dupRef) = Run(TestBackends.Create("Managed"), gate, up, dy, activation);
        Approx.Equal(TestData.ToDouble(yRef), y, Tolerances.Gelu, "y");
        Approx.Equal(TestData.ToDouble(dgateRef), dgate, Tolerances.Accumulated, "dgate");
        Approx.Equal(TestData.ToDouble(dupRef), dup, Tolerances.Accumulated, "dup");
        output.WriteLine($"{backend} vs Managed {activation} n={n}: max |Δ| y {MaxDelta(yRef, y):G3}, dgate {MaxDelta(dgateRef, dgate):G3}");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Empty_gradients_are_skipped(string backend)
    {
        var be = TestBackends.Create(backend);
        float[] gate = TestData.Uniform(20, 61), up = TestData.Uniform(20, 62), dy = TestData.Uniform(20, 63);
        float[] dgate = new float[20], dup = new float[20], dgateOnly = new float[20], dupOnly = new float[20];
        be.GatedActivationBackward(gate, up, dy, dgate, dup, GateActivation.Silu);
        be.GatedActivationBackward(gate, up, dy, dgateOnly, Span<float>.Empty, GateActivation.Silu);
        be.GatedActivationBackward(gate, up, dy, Span<float>.Empty, dupOnly, GateActivation.Silu);
        Assert.Equal(dgate, dgateOnly);
        Assert.Equal(dup, dupOnly);
    }

    private static (float[] Y, float[] DGate, float[] DUp) Run(ITensorBackend be, float[] gate, float[] up, float[] dy, GateActivation activation)
    {
        float[] y = new float[gate.Length], dgate = new float[gate.Length], dup = new float[gate.Length];
        be.GatedActivation(gate, up, y, activation);
        be.GatedActivationBackward(gate, up, dy, dgate, dup, activation);
        return (y, dgate, dup);
    }

    private static double MaxDelta(float[] a, float[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
