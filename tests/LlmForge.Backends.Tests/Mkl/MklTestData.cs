using Xunit;
using LlmForge.Backends.Mkl;

namespace LlmForge.Tests.Mkl;

/// <summary>Seeded inputs and double-precision references for the MKL kernel tests.</summary>
internal static class MklTestData
{
    internal static MklBackend Backend(RecordingBackend? fallback = null) => new(fallback ?? new RecordingBackend());

    internal static float[] Uniform(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (float)rng.NextDouble() * (hi - lo);
        return a;
    }

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C in double, with beta = 0 ignoring C. Also returns, per element of C,
    /// the magnitude Σ|alpha·a·b| + |beta·c| that float rounding error scales with.
    /// </summary>
    internal static (double[] C, double[] Magnitude) GemmReference(bool transA, bool transB, int m, int n, int k,
        float alpha, float[] a, int lda, long offsetA, float[] b, int ldb, long offsetB,
        float beta, float[] c, int ldc, long offsetC)
    {
        var result = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, mag = 0;
            for (int p = 0; p < k; p++)
            {
                double av = a[offsetA + (transA ? (long)p * lda + i : (long)i * lda + p)];
                double bv = b[offsetB + (transB ? (long)j * ldb + p : (long)p * ldb + j)];
                sum += av * bv;
                mag += Math.Abs(av * bv);
            }
            double cv = beta == 0 ? 0 : beta * (double)c[offsetC + (long)i * ldc + j];
            result[i * n + j] = alpha * sum + cv;
            magnitude[i * n + j] = Math.Abs(alpha) * mag + Math.Abs(cv);
        }
        return (result, magnitude);
    }

    /// <summary>Asserts C (stored with ldc from offsetC) matches the reference to float accuracy.</summary>
    internal static void AssertGemmClose(double[] expected, double[] magnitude, float[] c, int m, int n, int ldc, long offsetC, int k)
    {
        double tolerance = (k + 2) * 1.2e-7; // a k-term float dot product's rounding bound, relative to magnitude
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double want = expected[i * n + j], got = c[offsetC + (long)i * ldc + j];
            double allowed = tolerance * magnitude[i * n + j] + 1e-30;
            Assert.True(Math.Abs(got - want) <= allowed,
                $"C[{i}, {j}] = {got}, expected {want} (±{allowed:g3})");
        }
    }
}
