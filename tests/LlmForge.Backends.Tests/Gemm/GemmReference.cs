namespace LlmForge.Tests.Gemm;

/// <summary>Double-precision reference GEMM and the buffers the PackedGemm tests feed it.</summary>
internal static class GemmReference
{
    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C in double (beta = 0 ignores C), on row-major buffers
    /// with the same argument meaning as <c>PackedGemm.Gemm</c>. Returns [m, n] densely.
    /// </summary>
    public static double[] Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, ReadOnlySpan<float> c, int ldc)
    {
        var opB = new double[(long)k * n]; // op(B) densely, row-major [k, n]
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                opB[(long)p * n + j] = transB ? b[j * ldb + p] : b[p * ldb + j];
        var result = new double[(long)m * n];
        var row = new double[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(row);
            for (int p = 0; p < k; p++)
            {
                double aip = transA ? a[p * lda + i] : a[i * lda + p];
                for (int j = 0; j < n; j++)
                    row[j] += aip * opB[(long)p * n + j];
            }
            for (int j = 0; j < n; j++)
                result[(long)i * n + j] = alpha * row[j] + (beta == 0f ? 0.0 : beta * (double)c[i * ldc + j]);
        }
        return result;
    }

    /// <summary>Uniform values in [-1, 1) from a seeded generator.</summary>
    public static float[] Random(Random rng, long length)
    {
        var x = new float[length];
        for (long i = 0; i < length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    public static float MaxAbs(ReadOnlySpan<float> x)
    {
        float max = 0;
        foreach (float v in x)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }

    /// <summary>
    /// The error allowed for one entry: 1e-5 · k · max|a| · max|b| · |alpha| + 1e-6 · |beta| · max|C|.
    /// Float32 accumulation of k products in blocks of KC ≤ 256 with FMA errs by at most about
    /// (KC + k/KC) · 2⁻²⁴ · Σ|a||b| ≤ 1.6e-5 · k · max|a| · max|b|, and far less on random data; a real
    /// bug (a lost or doubled term, a wrong index) is of the order of max|a| · max|b| itself.
    /// </summary>
    public static double Tolerance(int k, float alpha, float maxA, float maxB, float beta, float maxC) =>
        1e-5 * k * maxA * maxB * Math.Abs(alpha) + (beta == 0f ? 0 : 1e-6 * Math.Abs(beta) * maxC) + 1e-30;

    /// <summary>Asserts C[i, j] (row stride ldc) matches the dense reference entry by entry.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> c, int m, int n, int ldc, double tolerance, string what)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double e = expected[(long)i * n + j], got = c[i * ldc + j];
                if (!(Math.Abs(got - e) <= tolerance))
                    Xunit.Assert.Fail($"{what}: C[{i}, {j}] = {got}, expected {e} (tolerance {tolerance:E2}).");
            }
    }
}
