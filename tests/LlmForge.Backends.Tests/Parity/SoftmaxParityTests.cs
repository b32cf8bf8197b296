using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class SoftmaxParityTests
{
    public static TheoryData<string, SoftmaxCase> Cases => TestBackends.Cross(SoftmaxCase.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Softmax_matches_reference_and_masks_exactly(string backend, SoftmaxCase c)
    {
        var x = TestData.Uniform(c.Rows * c.Cols, 41, -6, 6);
        if (x.Length > 3) x[2] = float.NegativeInfinity;   // a -∞ score among visible ones: probability 0
        var y = new float[x.Length];
        var mask = c.Mask();
        TestBackends.Create(backend).Softmax(x, y, c.Rows, c.Cols, mask);

        Approx.Equal(ReferenceSoftmax.Softmax(x, c.Rows, c.Cols, mask), y, Tolerances.Softmax, c.Name);
        for (int r = 0; r < c.Rows; r++)
        {
            bool anyVisible = false;
            for (int j = 0; j < c.Cols; j++)
            {
                bool visible = mask.IsVisible(r, j, c.Cols);
                anyVisible |= visible;
                if (!visible) Assert.True(y[r * c.Cols + j] == 0, $"{c.Name}: masked entry ({r}, {j}) is {y[r * c.Cols + j]}, not 0.");
            }
            if (!anyVisible)
                Assert.All(y.AsSpan(r * c.Cols, c.Cols).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Softmax_in_place(string backend, SoftmaxCase c)
    {
        var x = TestData.Uniform(c.Rows * c.Cols, 42, -6, 6);
        var y = (float[])x.Clone();
        TestBackends.Create(backend).Softmax(y, y, c.Rows, c.Cols, c.Mask());
        Approx.Equal(ReferenceSoftmax.Softmax(x, c.Rows, c.Cols, c.Mask()), y, Tolerances.Softmax, c.Name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SoftmaxBackward_matches_formula(string backend, SoftmaxCase c)
    {
        var be = TestBackends.Create(backend);
        int rows = c.Rows, cols = c.Cols;
        var y = new float[rows * cols];
        be.Softmax(TestData.Uniform(rows * cols, 43, -4, 4), y, rows, cols, c.Mask());
        var dy = TestData.Uniform(rows * cols, 44);
        var dx = TestData.Uniform(rows * cols, 45, -0.5f, 0.5f);
        var expected = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += (double)dy[r * cols + j] * y[r * cols + j];
            for (int j = 0; j < cols; j++) expected[r * cols + j] = dx[r * cols + j] + y[r * cols + j] * (dy[r * cols + j] - dot);
        }
        be.SoftmaxBackward(y, dy, dx, rows, cols);
        Approx.Equal(expected, dx, Tolerances.Accumulated, c.Name);
    }
}
