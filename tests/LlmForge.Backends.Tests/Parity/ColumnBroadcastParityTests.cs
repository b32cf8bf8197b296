using Xunit;

namespace LlmForge.Tests.Backends.Parity;

/// <summary>
/// AddColumnBroadcast and MulColumnBroadcast (one value per row) against double references: one long row (a scalar
/// over every element), tall thin matrices, odd shapes, and large ones split mid-row across threads.
/// </summary>
public class ColumnBroadcastParityTests
{
    public static TheoryData<string, (int Rows, int Cols)> Matrices =>
        TestBackends.Cross((1, 1), (1, 200_003), (7, 13), (1031, 3), (400, 517), (100_003, 2));

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Column_broadcasts_match_the_reference(string backend, (int Rows, int Cols) shape)
    {
        var be = TestBackends.Create(backend);
        var (rows, cols) = shape;
        var x = TestData.Uniform(rows * cols, 51);
        var v = TestData.Uniform(rows, 52, -3, 3);
        var y = new float[rows * cols];

        be.AddColumnBroadcast(x, v, y, rows, cols);
        Approx.Equal(Enumerable.Range(0, rows * cols).Select(i => (double)x[i] + v[i / cols]).ToArray(), y, Tolerances.Elementwise, "AddColumnBroadcast");
        be.MulColumnBroadcast(x, v, y, rows, cols);
        Approx.Equal(Enumerable.Range(0, rows * cols).Select(i => (double)x[i] * v[i / cols]).ToArray(), y, Tolerances.Elementwise, "MulColumnBroadcast");
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Column_broadcasts_work_in_place_and_on_empty_input(string backend)
    {
        var be = TestBackends.Create(backend);
        int rows = 300, cols = 301;
        var x = TestData.Uniform(rows * cols, 53);
        var v = TestData.Uniform(rows, 54);
        var y = (float[])x.Clone();
        be.MulColumnBroadcast(y, v, y, rows, cols);
        Approx.Equal(Enumerable.Range(0, rows * cols).Select(i => (double)x[i] * v[i / cols]).ToArray(), y, Tolerances.Elementwise, "MulColumnBroadcast in place");
        be.AddColumnBroadcast([], [], [], 0, 5); // no rows: nothing to do, no throw
        be.MulColumnBroadcast([], v, [], 3, 0);
    }
}
