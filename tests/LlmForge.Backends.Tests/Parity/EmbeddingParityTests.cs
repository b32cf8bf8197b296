using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class EmbeddingParityTests
{
    public static TheoryData<string, (int Vocab, int Dim, int Count)> Shapes =>
        TestBackends.Cross((1, 1, 1), (11, 7, 13), (50, 129, 300), (1000, 768, 256));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gather_copies_rows_exactly(string backend, (int Vocab, int Dim, int Count) s)
    {
        var table = TestData.Uniform(s.Vocab * s.Dim, 61);
        var ids = TestData.Ints(s.Count, 62, s.Vocab);
        var y = new float[s.Count * s.Dim];
        TestBackends.Create(backend).EmbeddingGather(ids, table, y, s.Vocab, s.Dim);
        for (int i = 0; i < s.Count; i++)
            Assert.True(table.AsSpan(ids[i] * s.Dim, s.Dim).SequenceEqual(y.AsSpan(i * s.Dim, s.Dim)), $"row {i} (id {ids[i]})");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ScatterAdd_adds_repeated_ids_into_existing_gradient(string backend, (int Vocab, int Dim, int Count) s)
    {
        var dy = TestData.Uniform(s.Count * s.Dim, 63);
        var ids = TestData.Ints(s.Count, 64, Math.Max(1, s.Vocab / 3));   // a third of the vocabulary: many repeats
        var dtable = TestData.Uniform(s.Vocab * s.Dim, 65);
        var expected = TestData.ToDouble(dtable);
        var magnitude = dtable.Select(v => (double)Math.Abs(v)).ToArray();
        for (int i = 0; i < s.Count; i++)
            for (int d = 0; d < s.Dim; d++)
            {
                expected[ids[i] * s.Dim + d] += dy[i * s.Dim + d];
                magnitude[ids[i] * s.Dim + d] += Math.Abs(dy[i * s.Dim + d]);
            }
        TestBackends.Create(backend).EmbeddingScatterAdd(ids, dy, dtable, s.Vocab, s.Dim);
        Approx.Within(expected, dtable, magnitude.Select(m => Tolerances.SumRelative * m + 1e-30).ToArray(), "dtable");
    }
}
