using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class AddScalarTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void AddsTheConstantEverywhereAndPassesTheGradient(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 2, 3, 4);
        var y = x.AddScalar(0.25f);
        var z = 1.5f + x - 0.5f;
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x.Data[i] + 0.25f, y.Data[i]);
            Assert.Equal(x.Data[i] + 1.5f - 0.5f, z.Data[i], 1e-6);
        }
        GradCheck.Assert(xs => xs[0].AddScalar(-3f), x);
        GradCheck.Assert(xs => (xs[0] + 1e-5f).Rsqrt(), Tensor.Parameter(Tensor.Uniform(x.Backend, 2, 0.5f, 2f, 6)));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void LargeTensorsRunInParallelChunks(string backendName)
    {
        // 200 003 elements: the kernel splits the one long row across threads.
        var x = Tensor.Uniform(TestBackends.Create(backendName), 3, -1f, 1f, 200_003);
        var y = x.AddScalar(2f);
        for (int i = 0; i < x.Length; i += 991) Assert.Equal(x.Data[i] + 2f, y.Data[i]);
        Assert.Equal(x.Data[^1] + 2f, y.Data[^1]);
    }
}
