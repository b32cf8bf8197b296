namespace LlmForge.Tests.Backends;

/// <summary>Seeded random inputs.</summary>
public static class TestData
{
    /// <summary>n floats uniform in [lo, hi).</summary>
    public static float[] Uniform(int n, int seed, float lo = -1, float hi = 1)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.NextSingle();
        return x;
    }

    public static int[] Ints(int n, int seed, int maxExclusive)
    {
        var rng = new Random(seed);
        var x = new int[n];
        for (int i = 0; i < n; i++) x[i] = rng.Next(maxExclusive);
        return x;
    }

    public static double[] ToDouble(ReadOnlySpan<float> x)
    {
        var d = new double[x.Length];
        for (int i = 0; i < x.Length; i++) d[i] = x[i];
        return d;
    }

    public static float MaxAbs(ReadOnlySpan<float> x)
    {
        float m = 0;
        foreach (var v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
