using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>ActivationFunctions: every function has one written name that reads back, and Apply runs its op.</summary>
public class ActivationFunctionsTests
{
    [Fact]
    public void Every_function_is_written_under_one_name_that_reads_back()
    {
        foreach (var function in Enum.GetValues<ActivationFunction>())
        {
            string name = ActivationFunctions.Name(function);
            Assert.Equal(function, ActivationFunctions.ConfigNames.First(n => n.Name == name).Function);
        }
        Assert.Equal(["gelu_new", "gelu", "relu", "silu"], Enum.GetValues<ActivationFunction>().Select(ActivationFunctions.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationFunctions.Name((ActivationFunction)99));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Apply_runs_the_functions_op(string backendName)
    {
        var x = Tensor.Randn(TestBackends.Create(backendName), 3, 2f, 4, 5);
        Assert.Equal(x.Gelu(GeluApproximation.Tanh).ToArray(), x.Apply(ActivationFunction.GeluTanh).ToArray());
        Assert.Equal(x.Gelu(GeluApproximation.Erf).ToArray(), x.Apply(ActivationFunction.GeluErf).ToArray());
        Assert.Equal(x.Relu().ToArray(), x.Apply(ActivationFunction.Relu).ToArray());
        Assert.Equal(x.Silu().ToArray(), x.Apply(ActivationFunction.Silu).ToArray());
        Assert.Equal(x.Silu().ToArray(), new Activation(ActivationFunction.Silu).Forward(x).ToArray());
        Assert.Equal((GeluApproximation?)GeluApproximation.Erf, ActivationFunctions.AsGelu(ActivationFunction.GeluErf));
        Assert.Null(ActivationFunctions.AsGelu(ActivationFunction.Relu));
    }
}
