using LlmForge.Autograd;
using LlmForge.Layers;
using LlmForge.Tests.Autograd;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>
/// GatedFeedForward: HF Llama's parameter names and shapes, down(act(gate(x)) ⊙ up(x)) computed element by element
/// from the weights, and gradients of input and weights against finite differences (SwiGLU and GeGLU).
/// </summary>
public class GatedFeedForwardTests
{
    [Fact]
    public void Parameters_are_named_and_shaped_as_Llamas_mlp_without_biases()
    {
        var ff = new GatedFeedForward(new ModuleInit(TestBackends.Create("Managed"), seed: 1), 8, 12);
        var shapes = ff.NamedParameters().Select(p => $"{p.Name} [{string.Join(", ", p.Parameter.Shape)}]").ToArray();
        Assert.Equal(["gate_proj.weight [12, 8]", "up_proj.weight [12, 8]", "down_proj.weight [8, 12]"], shapes);
        Assert.Equal(3 * 8 * 12, ff.ParameterCount());
        Assert.Equal((8, 12, ActivationFunction.Silu), (ff.EmbeddingDim, ff.HiddenDim, ff.Activation));

        var withBias = new GatedFeedForward(new ModuleInit(TestBackends.Create("Managed"), seed: 1), 8, 12, bias: true);
        Assert.Equal(3 * 8 * 12 + 12 + 12 + 8, withBias.ParameterCount());
    }

    [Theory]
    [InlineData("Managed", ActivationFunction.Silu)]
    [InlineData("Mkl", ActivationFunction.Silu)]
    [InlineData("Managed", ActivationFunction.GeluErf)]
    [InlineData("Mkl", ActivationFunction.GeluTanh)]
    public void Forward_is_down_of_act_gate_times_up(string backendName, ActivationFunction activation)
    {
        var backend = TestBackends.Create(backendName);
        const int c = 6, h = 10;
        var ff = new GatedFeedForward(new ModuleInit(backend, seed: 3, std: 0.3f), c, h, activation);
        var x = Tensor.Randn(backend, 4, 1f, 2, 3, c);
        var y = ff.Forward(x);
        Assert.Equal([2, 3, c], y.Shape.ToArray());

        float[] xs = x.ToArray(), wg = ff.Gate.Weight.ToArray(), wu = ff.Up.Weight.ToArray(), wd = ff.Down.Weight.ToArray(), ys = y.ToArray();
        for (int row = 0; row < 6; row++)
        {
            var hidden = new double[h];
            for (int j = 0; j < h; j++)
            {
                double g = 0, u = 0;
                for (int k = 0; k < c; k++)
                {
                    g += wg[j * c + k] * xs[row * c + k];
                    u += wu[j * c + k] * xs[row * c + k];
                }
                hidden[j] = Act(activation, g) * u;
            }
            for (int o = 0; o < c; o++)
            {
                double expected = 0;
                for (int j = 0; j < h; j++) expected += wd[o * h + j] * hidden[j];
                Assert.True(Math.Abs(expected - ys[row * c + o]) <= 1e-4, $"row {row} out {o}: {ys[row * c + o]} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(ActivationFunction.Silu)]
    [InlineData(ActivationFunction.GeluErf)]
    public void Gradients_match_finite_differences(ActivationFunction activation)
    {
        var backend = TestBackends.Create("Managed");
        var ff = new GatedFeedForward(new ModuleInit(backend, seed: 8, std: 0.5f), 4, 6, activation);
        var x = GradCheck.Param(backend, 9, 1f, 2, 3, 4);
        Tensor[] inputs = [x, ff.Gate.Weight, ff.Up.Weight, ff.Down.Weight];
        GradCheck.Assert(xs => ff.Forward(xs[0]), inputs);
    }

    /// <summary>The activations in double: SiLU x·σ(x); GELU by its tanh form or by erf via a series (no Math.Erf).</summary>
    private static double Act(ActivationFunction f, double v) => f switch
    {
        ActivationFunction.Silu => v / (1 + Math.Exp(-v)),
        ActivationFunction.GeluTanh => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))),
        ActivationFunction.GeluErf => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))),
        ActivationFunction.Relu => Math.Max(v, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>erf by its Maclaurin series, exact to double rounding for |z| ≤ 3 (the inputs here are far smaller).</summary>
    internal static double Erf(double z)
    {
        double term = z, sum = z;
        for (int n = 1; n < 60; n++)
        {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
