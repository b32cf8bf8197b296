using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class EmbeddingTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void GathersRows(string backendName)
    {
        var table = GradCheck.Param(TestBackends.Create(backendName), 1, 5, 3); // (V, C)
        int[] ids = [4, 0, 4, 2, 1, 4];
        var y = table.Embedding(ids, 2, 3); // (B, T) → (B, T, C)
        Assert.Equal([2, 3, 3], y.Shape);
        for (int i = 0; i < ids.Length; i++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(table.Data[ids[i] * 3 + c], y.Data[i * 3 + c]);
        Assert.Equal([6, 3], table.Embedding(ids).Shape);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void RepeatedIdsAddTheirGradients(string backendName)
    {
        var table = GradCheck.Param(TestBackends.Create(backendName), 1, 5, 3);
        int[] ids = [4, 0, 4, 2, 1, 4];
        GradCheck.Assert(xs => xs[0].Embedding(ids, 2, 3), table);
        // Row 3 is never looked up: zero gradient.
        Assert.Equal([0f, 0f, 0f], table.Grad![9..12]);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TheIdsAreCopiedBeforeBackward(string backendName)
    {
        var table = Tensor.Parameter(Tensor.Zeros(TestBackends.Create(backendName), 4, 2));
        int[] ids = [1, 1];
        var y = table.Embedding(ids);
        ids[0] = 3; // a data loader reusing its buffer
        y.Sum().Backward();
        Assert.Equal([0f, 0f, 2f, 2f, 0f, 0f, 0f, 0f], table.Grad!);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MismatchedIdCountIsNamed(string backendName)
    {
        var table = Tensor.Zeros(TestBackends.Create(backendName), 4, 2);
        var e = Assert.Throws<ArgumentException>(() => table.Embedding([1, 2, 3], 2, 2));
        Assert.Contains("ids shape [2,2] needs 4 ids but 3 were given", e.Message);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void PaddingIndex_ReturnsItsRowButSendsItNoGradient(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var table = GradCheck.Param(backend, 3, 5, 3);
        var plain = Tensor.Parameter(Tensor.FromArray(backend, table.ToArray(), 5, 3));
        int[] ids = [0, 2, 0, 4];
        var y = table.Embedding(ids, [2, 2], paddingIndex: 0);
        var yPlain = plain.Embedding(ids, 2, 2);
        Assert.Equal(yPlain.Data, y.Data); // forward: the padding row's values, as any other row

        var weights = Tensor.Randn(backend, 11, 1f, 2, 2, 3);
        (y * weights).Sum().Backward();
        (yPlain * weights).Sum().Backward();
        Assert.Equal([0f, 0f, 0f], table.Grad![0..3]);     // row 0: nothing from its two lookups
        Assert.Equal(plain.Grad![3..], table.Grad![3..]);  // every other row as without padding_idx
        Assert.NotEqual(0f, plain.Grad![0]);
    }

    [Fact]
    public void PaddingIndex_OutsideTheTable_IsNamed()
    {
        var table = Tensor.Zeros(TestBackends.Create("Managed"), 4, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => table.Embedding([1], [1], paddingIndex: 4));
        Assert.Contains("padding index 4", e.Message);
    }
}
