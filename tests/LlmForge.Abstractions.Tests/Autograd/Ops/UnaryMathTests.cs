using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class UnaryMathTests
{
    /// <summary>A trainable input with values in [0.5, 2]: inside the domain of √, 1/√, 1/x and ln, even ± GradCheck's ε.</summary>
    private static Tensor Positive(string backendName, int seed, params int[] shape) =>
        Tensor.Parameter(Tensor.Uniform(TestBackends.Create(backendName), seed, 0.5f, 2f, shape));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in TestBackends.Names)
            foreach (var op in new[] { "Sqrt", "Rsqrt", "Reciprocal", "Log", "Square" })
                data.Add(backend, op);
        return data;
    }

    private static Func<Tensor, Tensor> Op(string name) => name switch
    {
        "Sqrt" => F.Sqrt,
        "Rsqrt" => F.Rsqrt,
        "Reciprocal" => F.Reciprocal,
        "Log" => F.Log,
        _ => F.Square,
    };

    private static Func<double, double> Reference(string name) => name switch
    {
        "Sqrt" => Math.Sqrt,
        "Rsqrt" => v => 1 / Math.Sqrt(v),
        "Reciprocal" => v => 1 / v,
        "Log" => Math.Log,
        _ => v => v * v,
    };

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesTheDefinitionAndGradientsCheck(string backendName, string name)
    {
        var x = Positive(backendName, 1, 2, 3, 4);
        var y = Op(name)(x);
        Assert.Equal(x.Shape, y.Shape);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Reference(name)(x.Data[i]), y.Data[i], 1e-6);
        GradCheck.Assert(xs => Op(name)(xs[0]), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SquareWorksForNegativeInputs(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 2, 3, 5);
        Assert.Equal(x.Data[4] * x.Data[4], x.Square().Data[4]);
        GradCheck.Assert(xs => xs[0].Square(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void DivSameShapeAndPerRow(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 3, 2, 3, 4);
        var b = Positive(backendName, 4, 2, 3, 4);
        var rows = Positive(backendName, 5, 2, 3, 1);
        var same = a / b;
        var perRow = a.Div(rows);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a.Data[i] / (double)b.Data[i], same.Data[i], 1e-6);
            Assert.Equal(a.Data[i] / (double)rows.Data[i / 4], perRow.Data[i], 1e-6);
        }
        GradCheck.Assert(xs => xs[0] / xs[1], a, b);
        GradCheck.Assert(xs => xs[0] / xs[1], a, rows);
    }
}
