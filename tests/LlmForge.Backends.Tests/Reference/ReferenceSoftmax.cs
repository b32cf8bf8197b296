using LlmForge.Backends;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>Masked softmax in double, visibility taken entry by entry from <see cref="SoftmaxMask.IsVisible"/>.</summary>
public static class ReferenceSoftmax
{
    public static double[] Softmax(double[] x, int rows, int cols, SoftmaxMask mask)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < cols; c++)
                if (mask.IsVisible(r, c, cols)) max = Math.Max(max, x[r * cols + c]);
            if (double.IsNegativeInfinity(max)) continue;   // fully masked: zeros
            double sum = 0;
            for (int c = 0; c < cols; c++)
                if (mask.IsVisible(r, c, cols)) sum += y[r * cols + c] = Math.Exp(x[r * cols + c] - max);
            for (int c = 0; c < cols; c++) y[r * cols + c] /= sum;
        }
        return y;
    }

    public static double[] Softmax(float[] x, int rows, int cols, SoftmaxMask mask) => Softmax(TestData.ToDouble(x), rows, cols, mask);
}
