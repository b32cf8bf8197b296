using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

public class SoftmaxGradientTests
{
    /// <summary>The small cases of every mask kind (finite differences cost two reference passes per input).</summary>
    public static TheoryData<string, SoftmaxCase> Cases => TestBackends.Cross(SoftmaxCase.All.Where(c => c.Rows * c.Cols <= 300).ToArray());

    [Theory]
    [MemberData(nameof(Cases))]
    public void SoftmaxBackward_matches_finite_differences(string backend, SoftmaxCase c)
    {
        var be = TestBackends.Create(backend);
        int n = c.Rows * c.Cols;
        var x = TestData.Uniform(n, 211, -3, 3);
        var w = TestData.Uniform(n, 212);
        var fd = FiniteDifference.Gradient(TestData.ToDouble(x),
            t => FiniteDifference.Weighted(ReferenceSoftmax.Softmax(t, c.Rows, c.Cols, c.Mask()), w));

        var y = new float[n];
        be.Softmax(x, y, c.Rows, c.Cols, c.Mask());
        var dx = TestData.Uniform(n, 213, -0.5f, 0.5f);
        var before = (float[])dx.Clone();
        be.SoftmaxBackward(y, w, dx, c.Rows, c.Cols);
        var added = Approx.Added(dx, before);
        Approx.Gradient(fd, added, c.Name);

        var mask = c.Mask();
        for (int r = 0; r < c.Rows; r++)
            for (int j = 0; j < c.Cols; j++)
                if (!mask.IsVisible(r, j, c.Cols)) Assert.True(added[r * c.Cols + j] == 0, $"{c.Name}: masked ({r}, {j}) got gradient");
    }
}
