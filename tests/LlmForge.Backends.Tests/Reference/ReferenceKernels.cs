using MathNet.Numerics;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>Double-precision references of the element-wise kernels, written from their definitions.</summary>
public static class ReferenceKernels
{
    public static double[] Map(float[] x, Func<double, double> f) => x.Select(v => f(v)).ToArray();

    /// <summary>GPT-2 / PyTorch approximate="tanh": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>BERT / PyTorch default: 0.5·x·(1 + erf(x/√2)) = 0.5·x·erfc(−x/√2) (MathNet's erfc, no cancellation for x ≪ 0).</summary>
    public static double GeluErf(double x) => 0.5 * x * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    public static double[] RowSums(float[] x, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Sum(c => (double)x[r * cols + c])).ToArray();

    public static double[] AbsRowSums(float[] x, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Sum(c => Math.Abs((double)x[r * cols + c]))).ToArray();
}
