using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class PermuteParityTests
{
    public sealed record Case(int[] Shape, int[] Perm)
    {
        public override string ToString() => $"[{string.Join(",", Shape)}] perm ({string.Join(",", Perm)})";
    }

    public static TheoryData<string, Case> Cases => TestBackends.Cross(
        new Case([7, 13], [1, 0]),
        new Case([1, 29], [1, 0]),
        new Case([5, 7, 3], [2, 0, 1]),
        new Case([5, 7, 3], [0, 2, 1]),
        new Case([5, 7, 3], [0, 1, 2]),
        new Case([2, 13, 3, 7], [0, 2, 1, 3]),     // split heads: [B, T, H, D] → [B, H, T, D]
        new Case([2, 3, 13, 7], [0, 2, 1, 3]),     // merge heads back
        new Case([3, 5, 2, 7], [3, 1, 0, 2]),
        new Case([4, 64, 12, 64], [0, 2, 1, 3]),   // GPT-2 sized, parallel
        new Case([4, 0, 3], [2, 1, 0]));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Permute_matches_reference(string backend, Case c)
    {
        int count = c.Shape.Aggregate(1, (a, s) => a * s);
        var x = TestData.Uniform(count, 101);
        var y = new float[count];
        TestBackends.Create(backend).Permute(x, c.Shape, c.Perm, y);
        Assert.Equal(ReferencePermute.Permute(x, c.Shape, c.Perm), y);
    }
}
