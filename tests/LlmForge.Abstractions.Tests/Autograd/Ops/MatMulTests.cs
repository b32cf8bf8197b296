using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

public class MatMulTests
{
    /// <summary>Plain-loop reference: batch products of a [m, k] and b [k, n] (or [n, k] transposed).</summary>
    private static float[] Reference(Tensor a, Tensor b, int batch, int m, int k, int n, bool transposeB, bool sharedB)
    {
        var y = new float[batch * m * n];
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    int bBase = sharedB ? 0 : p * k * n;
                    for (int t = 0; t < k; t++)
                        sum += (double)a.Data[p * m * k + i * k + t] * b.Data[bBase + (transposeB ? j * k + t : t * n + j)];
                    y[p * m * n + i * n + j] = (float)sum;
                }
        return y;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void TwoDimensional(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 3, 4);
        var b = GradCheck.Param(backend, 2, 4, 5);
        var y = a.MatMul(b);
        Assert.Equal([3, 5], y.Shape);
        AssertClose(Reference(a, b, 1, 3, 4, 5, false, true), y.Data);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), a, b);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BatchedOverTwoLeadingDims(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 2, 3, 4, 5); // (B, nh, T, hs)
        var b = GradCheck.Param(backend, 2, 2, 3, 5, 2);
        var y = a.MatMul(b);
        Assert.Equal([2, 3, 4, 2], y.Shape);
        AssertClose(Reference(a, b, 6, 4, 5, 2, false, false), y.Data);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), a, b);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void BatchedWithTransposedB(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var q = GradCheck.Param(backend, 1, 2, 2, 4, 3); // (B, nh, T, hs)
        var k = GradCheck.Param(backend, 2, 2, 2, 5, 3); // (B, nh, S, hs)
        var att = q.MatMul(k, transposeB: true);         // (B, nh, T, S)
        Assert.Equal([2, 2, 4, 5], att.Shape);
        AssertClose(Reference(q, k, 4, 4, 3, 5, true, false), att.Data);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1], transposeB: true), q, k);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void SharesOneMatrixAcrossTheBatch(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var a = GradCheck.Param(backend, 1, 2, 3, 4);
        var b = GradCheck.Param(backend, 2, 4, 5);
        var bt = GradCheck.Param(backend, 3, 5, 4);
        AssertClose(Reference(a, b, 2, 3, 4, 5, false, true), a.MatMul(b).Data);
        AssertClose(Reference(a, bt, 2, 3, 4, 5, true, true), a.MatMul(bt, transposeB: true).Data);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), a, b);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1], transposeB: true), a, bt);
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), a, GradCheck.Param(backend, 4, 1, 4, 5)); // [1, k, n]
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ShapeErrorsNameTheShapes(string backendName)
    {
        var backend = TestBackends.Create(backendName);
        var inner = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 2, 3).MatMul(Tensor.Zeros(backend, 4, 5)));
        Assert.Equal("MatMul: a [2,3] and b [4,5]: inner dims 3 and 4 differ.", inner.Message);
        var transposed = Assert.Throws<ArgumentException>(
            () => Tensor.Zeros(backend, 2, 3).MatMul(Tensor.Zeros(backend, 4, 5), transposeB: true));
        Assert.Equal("MatMul: a [2,3] and b [4,5] (transposed): inner dims 3 and 5 differ.", transposed.Message);
        var batch = Assert.Throws<ArgumentException>(
            () => Tensor.Zeros(backend, 2, 3, 4).MatMul(Tensor.Zeros(backend, 3, 4, 5)));
        Assert.Contains("batch dims [2] and [3] differ", batch.Message);
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 3).MatMul(Tensor.Zeros(backend, 3, 5)));
        Assert.Contains("at least 2 dims", rank.Message);
    }
}
