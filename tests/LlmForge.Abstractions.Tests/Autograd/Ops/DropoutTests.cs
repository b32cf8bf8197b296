using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class DropoutTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void IdentityWhenNotTrainingOrPIsZero(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 3, 4);
        Assert.Same(x, x.Dropout(0.5f, 1, training: false));
        Assert.Same(x, x.Dropout(0f, 1, training: true));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ZeroesAboutPAndRescalesTheRest(string backendName)
    {
        const float P = 0.25f;
        var x = Tensor.Ones(TestBackends.Create(backendName), 100, 100);
        var y = x.Dropout(P, seed: 1234, training: true);
        int zeros = y.Data.Count(v => v == 0f);
        Assert.InRange(zeros, 2300, 2700); // 10,000 draws: std ≈ 43
        Assert.All(y.Data, v => Assert.True(v == 0f || Math.Abs(v - 1 / (1 - P)) < 1e-6));
        Assert.Equal(y.Data, x.Dropout(P, seed: 1234, training: true).Data); // seeded
        Assert.NotEqual(y.Data, x.Dropout(P, seed: 1235, training: true).Data);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GradientUsesTheSavedMask(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, 4, 8);
        GradCheck.Assert(xs => xs[0].Dropout(0.3f, seed: 42, training: true), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void PMustBeBelowOne(string backendName)
    {
        var x = Tensor.Ones(TestBackends.Create(backendName), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Dropout(1f, 1, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Dropout(-0.1f, 1, true));
    }
}
