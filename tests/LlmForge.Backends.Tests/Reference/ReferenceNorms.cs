namespace LlmForge.Tests.Backends.Reference;

/// <summary>LayerNorm (biased variance) and RMSNorm in double.</summary>
public static class ReferenceNorms
{
    public static (double[] Y, double[] Mean, double[] Rstd) LayerNorm(double[] x, double[] gamma, double[]? beta, int rows, int cols, double eps)
    {
        var y = new double[rows * cols];
        var mean = new double[rows];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double mu = 0;
            for (int c = 0; c < cols; c++) mu += x[r * cols + c];
            mu /= cols;
            double variance = 0;
            for (int c = 0; c < cols; c++) variance += (x[r * cols + c] - mu) * (x[r * cols + c] - mu);
            variance /= cols;
            double s = 1 / Math.Sqrt(variance + eps);
            for (int c = 0; c < cols; c++)
                y[r * cols + c] = (x[r * cols + c] - mu) * s * gamma[c] + (beta is null ? 0 : beta[c]);
            (mean[r], rstd[r]) = (mu, s);
        }
        return (y, mean, rstd);
    }

    public static (double[] Y, double[] Rstd) RmsNorm(double[] x, double[] gamma, int rows, int cols, double eps)
    {
        var y = new double[rows * cols];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double ms = 0;
            for (int c = 0; c < cols; c++) ms += x[r * cols + c] * x[r * cols + c];
            double s = 1 / Math.Sqrt(ms / cols + eps);
            for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * s * gamma[c];
            rstd[r] = s;
        }
        return (y, rstd);
    }
}
