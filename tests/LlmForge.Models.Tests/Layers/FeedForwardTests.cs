using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Layers;
using LlmForge.Tests.Autograd;
using LlmForge.Tests.Autograd.Ops;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>FeedForward's fused forward (LinearGelu, then the projection) against its layers run one by one.</summary>
public class FeedForwardTests
{
    [Theory, MemberData(nameof(FusedGelu.Cases), MemberType = typeof(FusedGelu))]
    public void FusedEqualsUnfusedToFloatRounding(string backendName, GeluApproximation form)
    {
        var backend = TestBackends.Create(backendName);
        var ff = new FeedForward(new ModuleInit(backend, seed: 5, std: 0.1f), 32, 128, form);
        foreach (var p in ff.Parameters()) if (p.Length == 128) TestInit(p); // non-zero biases, so the bias path is exercised
        var x = GradCheck.Param(backend, 6, 1f, 2, 9, 32);
        var dy = Tensor.Randn(backend, 7, 1f, 2, 9, 32);

        var (fused, fusedGrads) = Run(ff.Forward, ff, x, dy);
        var (unfused, unfusedGrads) = Run(ff.Layers.Forward, ff, x, dy);
        FusedGelu.AssertClose(unfused, fused, "y");
        for (int i = 0; i < fusedGrads.Length; i++) FusedGelu.AssertClose(unfusedGrads[i], fusedGrads[i], $"grad {i}");
    }

    private static void TestInit(Tensor bias)
    {
        var rng = new Random(9);
        for (int i = 0; i < bias.Length; i++) bias.Data[i] = rng.NextSingle() - 0.5f;
    }

    private static (float[] Y, float[][] Grads) Run(Func<Tensor, Tensor> forward, FeedForward ff, Tensor x, Tensor dy)
    {
        x.ZeroGrad();
        foreach (var p in ff.Parameters()) p.ZeroGrad();
        var y = forward(x);
        var values = y.ToArray();
        y.Backward(dy);
        return (values, [(float[])x.Grad!.Clone(), .. ff.Parameters().Select(p => (float[])p.Grad!.Clone())]);
    }
}
