using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class PermuteTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SplitsHeads(string backendName)
    {
        const int B = 2, T = 3, H = 2, D = 4;
        var x = GradCheck.Param(TestBackends.Create(backendName), 1, B, T, H, D);
        var y = x.Permute(0, 2, 1, 3); // (B, T, nh, hs) → (B, nh, T, hs)
        Assert.Equal([B, H, T, D], y.Shape);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++)
                    for (int d = 0; d < D; d++)
                        Assert.Equal(x.Data[((b * T + t) * H + h) * D + d], y.Data[((b * H + h) * T + t) * D + d]);
        GradCheck.Assert(xs => xs[0].Permute(0, 2, 1, 3), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void NonSelfInversePermutation(string backendName)
    {
        // (1, 2, 0) is not its own inverse, so a backward that re-applied perm instead of its inverse would fail.
        var x = GradCheck.Param(TestBackends.Create(backendName), 2, 2, 3, 4);
        Assert.Equal([3, 4, 2], x.Permute(1, 2, 0).Shape);
        GradCheck.Assert(xs => xs[0].Permute(1, 2, 0).Tanh(), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TransposeSwapsTwoAxes(string backendName)
    {
        var x = GradCheck.Param(TestBackends.Create(backendName), 3, 2, 3, 4);
        var y = x.Transpose(-2, -1);
        Assert.Equal([2, 4, 3], y.Shape);
        Assert.Equal(x.Data[1 * 12 + 2 * 4 + 3], y.Data[1 * 12 + 3 * 3 + 2]);
        GradCheck.Assert(xs => xs[0].Transpose(0, 2), x);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void InvalidPermutationsAreNamed(string backendName)
    {
        var x = Tensor.Zeros(TestBackends.Create(backendName), 2, 3, 4);
        Assert.Contains("[0,0,1] is not a permutation of the 3 axes of [2,3,4]",
            Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1)).Message);
        Assert.Throws<ArgumentException>(() => x.Permute(0, 1));
        Assert.Contains("out of range", Assert.Throws<ArgumentException>(() => x.Transpose(0, 3)).Message);
    }
}
