using LlmForge.Backends;
using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

/// <summary>GatedActivationBackward against finite differences of L(gate, up) = Σ w ⊙ act(gate) ⊙ up in double (see <see cref="FiniteDifference"/>).</summary>
public class GatedActivationGradientTests
{
    private const int N = 35;

    public static TheoryData<string, GateActivation> Activations => TestBackends.Cross(Enum.GetValues<GateActivation>());

    [Theory]
    [MemberData(nameof(Activations))]
    public void Dgate_and_dup_match_finite_differences(string backend, GateActivation activation)
    {
        var gate = TestData.Uniform(N, 311, -4, 4);
        var up = TestData.Uniform(N, 312, -2, 2);
        var w = TestData.Uniform(N, 313);
        var f = ReferenceGate.Function(activation);
        double Loss(double[] g, double[] u)
        {
            var y = new double[N];
            for (int i = 0; i < N; i++) y[i] = f(g[i]) * u[i];
            return FiniteDifference.Weighted(y, w);
        }
        double[] gd = TestData.ToDouble(gate), ud = TestData.ToDouble(up);
        var fdGate = FiniteDifference.Gradient(gd, t => Loss(t, ud));
        var fdUp = FiniteDifference.Gradient(ud, t => Loss(gd, t));

        float[] dgate = new float[N], dup = new float[N];
        TestBackends.Create(backend).GatedActivationBackward(gate, up, w, dgate, dup, activation);
        Approx.Gradient(fdGate, dgate, $"GatedActivation {activation} dgate");
        Approx.Gradient(fdUp, dup, $"GatedActivation {activation} dup");
    }
}
