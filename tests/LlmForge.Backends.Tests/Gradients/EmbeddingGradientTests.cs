using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

public class EmbeddingGradientTests
{
    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ScatterAdd_is_the_gradient_of_gather(string backend)
    {
        var be = TestBackends.Create(backend);
        int vocab = 7, dim = 5;
        int[] ids = [2, 0, 2, 6, 2, 3];   // id 2 three times; ids 1, 4, 5 unused
        var table = TestData.Uniform(vocab * dim, 251);
        var w = TestData.Uniform(ids.Length * dim, 252);
        double Loss(double[] t)
        {
            var y = new double[ids.Length * dim];
            for (int i = 0; i < ids.Length; i++)
                for (int d = 0; d < dim; d++) y[i * dim + d] = t[ids[i] * dim + d];
            return FiniteDifference.Weighted(y, w);
        }
        var fd = FiniteDifference.Gradient(TestData.ToDouble(table), Loss);

        var dtable = TestData.Uniform(vocab * dim, 253, -0.5f, 0.5f);
        var before = (float[])dtable.Clone();
        be.EmbeddingScatterAdd(ids, w, dtable, vocab, dim);
        Approx.Gradient(fd, Approx.Added(dtable, before), "dtable");
    }
}
