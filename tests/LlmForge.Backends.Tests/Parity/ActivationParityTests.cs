using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>tanh and GELU (both forms) forward against double references over a wide range of inputs.</summary>
public class ActivationParityTests
{
    public static TheoryData<string, int> Lengths => TestBackends.Cross(1, 15, 33, 100_003);

    /// <summary>Spread over [−12, 12] with tiny magnitudes (relative accuracy near 0), plus ±0 and large values.</summary>
    internal static float[] Inputs(int n, int seed)
    {
        var x = TestData.Uniform(n, seed, -12, 12);
        var rng = new Random(seed);
        for (int i = 0; i < n; i += 5) x[i] *= MathF.Pow(10, -rng.Next(0, 9));
        float[] specials = [0f, -0f, 1e-30f, -1e-30f, 30f, -30f, 1000f, -1000f];
        for (int i = 0; i < Math.Min(n, specials.Length); i++) x[i * 3 % n] = specials[i];
        return x;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Tanh_is_relatively_accurate_everywhere(string backend, int n)
    {
        var x = Inputs(n, 21);
        var y = new float[n];
        TestBackends.Create(backend).Tanh(x, y);
        Approx.Equal(ReferenceKernels.Map(x, Math.Tanh), y, Tolerances.Elementwise, "Tanh");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Gelu_tanh_matches_PyTorch_approximate_tanh(string backend, int n)
    {
        var x = Inputs(n, 22);
        var y = new float[n];
        TestBackends.Create(backend).Gelu(x, y, GeluApproximation.Tanh);
        Approx.Equal(ReferenceKernels.Map(x, ReferenceKernels.GeluTanh), y, Tolerances.Gelu, "GELU tanh");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Gelu_erf_matches_exact_GELU(string backend, int n)
    {
        var x = Inputs(n, 23);
        var y = new float[n];
        TestBackends.Create(backend).Gelu(x, y, GeluApproximation.Erf);
        Approx.Equal(ReferenceKernels.Map(x, ReferenceKernels.GeluErf), y, Tolerances.Gelu, "GELU erf");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Gelu_forms_differ_as_PyTorch_documents(string backend)
    {
        // The tanh form is an approximation: at x = 1 it is 0.8411920, the exact one 0.8413447.
        var be = TestBackends.Create(backend);
        float[] x = [1f];
        var tanhForm = new float[1];
        var erfForm = new float[1];
        be.Gelu(x, tanhForm, GeluApproximation.Tanh);
        be.Gelu(x, erfForm, GeluApproximation.Erf);
        Assert.Equal(0.8411920f, tanhForm[0], 6);
        Assert.Equal(0.8413447f, erfForm[0], 6);
    }
}
