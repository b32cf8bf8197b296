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

    [Theory]
    [InlineData(ActivationFunction.Relu)]
    [InlineData(ActivationFunction.Silu)]
    public void Relu_and_silu_sit_between_the_two_linears(ActivationFunction activation)
    {
        var backend = TestBackends.Create("Managed");
        var ff = new FeedForward(new ModuleInit(backend, seed: 5, std: 0.4f), 4, 8, activation);
        Assert.Equal((activation, 4, 8), (ff.Activation.Function, ff.EmbeddingDim, ff.HiddenDim));
        var x = GradCheck.Param(backend, 6, 1f, 2, 3, 4);
        var hidden = ff.Fc.Forward(x).ToArray();
        var expected = ff.Projection.Forward(Tensor.FromArray(backend,
            hidden.Select(h => activation == ActivationFunction.Relu ? MathF.Max(h, 0) : h / (1 + MathF.Exp(-h))).ToArray(), 2, 3, 8)).ToArray();
        var y = ff.Forward(x).ToArray();
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5, $"y[{i}] = {y[i]}, expected {expected[i]}");
        // ReLU's kink at 0 sits inside the finite-difference step of some hidden units; its op is checked away from it (ActivationsTests).
        if (activation == ActivationFunction.Silu) GradCheck.Assert(xs => ff.Forward(xs[0]), x, ff.Fc.Weight, ff.Fc.Bias!, ff.Projection.Weight);
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
