using LlmForge.Tests.Backends.Reference;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class AdamWParityTests
{
    public static TheoryData<string, int> Lengths => TestBackends.Cross(1, 19, 100_003);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Three_steps_match_torch_order_in_double(string backend, int n)
    {
        var be = TestBackends.Create(backend);
        // The reference takes the hyperparameters as the decimals a user writes, as torch gets Python floats.
        const double lr = 3e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.1;
        var p = TestData.Uniform(n, 81);
        var m = new float[n];
        var v = new float[n];
        var (pd, md, vd) = (TestData.ToDouble(p), new double[n], new double[n]);
        for (int step = 1; step <= 3; step++)
        {
            var g = TestData.Uniform(n, 81 + step, -0.1f, 0.1f);
            be.AdamW(p, g, m, v, (float)lr, (float)beta1, (float)beta2, (float)eps, (float)wd, step);
            ReferenceAdamW.Step(pd, TestData.ToDouble(g), md, vd, lr, beta1, beta2, eps, wd, step);
            Approx.Equal(pd, p, Tolerances.AdamW(pd), $"param after step {step}");
            Approx.Equal(md, m, Tolerances.AdamW(md), $"m after step {step}");
            Approx.Equal(vd, v, Tolerances.AdamW(vd), $"v after step {step}");
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Hand_computed_first_step(string backend)
    {
        // Step 1: m̂ = g, v̂ = g², so p ← p·(1 − lr·wd) − lr·g/(|g| + eps).
        // p = 2, g = 0.5, lr = 0.1, wd = 0.5: 2·0.95 − 0.1·0.5/(0.5 + 1e-8) = 1.9 − 0.0999999980 = 1.800000002.
        float[] p = [2f], g = [0.5f], m = [0f], v = [0f];
        TestBackends.Create(backend).AdamW(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, 1);
        Assert.Equal(1.8f, p[0], 6);
        Assert.Equal(0.05f, m[0], 7);
        Assert.Equal(0.00025f, v[0], 8);
    }
}
