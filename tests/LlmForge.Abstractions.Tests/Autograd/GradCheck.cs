using System.Text;
using LlmForge.Autograd;
using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd;

/// <summary>
/// Finite-difference gradient check. For loss = Σ w ⊙ f(inputs) with fixed random w, compares the autograd
/// gradient of every input with RequiresGrad against the central difference (L(x+ε) − L(x−ε)) / 2ε.
/// </summary>
/// <remarks>
/// Tolerance: |analytic − numeric| ≤ 1e-2 · max(1, |numeric|). With ε = 1e-2 in float32, the central
/// difference's truncation error is ε²/6 · |L'''| ≈ 2e-5 · |L'''|, and rounding error (outputs stored as float32,
/// relative 6e-8, summed in double over ≤ a few hundred outputs of size ~1) divided by 2ε stays below ~1e-4;
/// so a correct gradient sits two orders below the bound, while a wrong one (a missing factor, a sign, a
/// transposed index) is off by O(|gradient|) — <see cref="GradCheckTests"/> shows the check catching such errors.
/// </remarks>
internal static class GradCheck
{
    public const float Epsilon = 1e-2f;
    public const double Tolerance = 1e-2;

    /// <summary>Asserts that every input's gradient matches the finite difference.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var failures = Run(f, inputs);
        if (failures.Count > 0) Xunit.Assert.Fail(Describe(failures));
    }

    /// <summary>The mismatches (empty when the gradients agree).</summary>
    public static List<string> Run(Func<Tensor[], Tensor> f, Tensor[] inputs, int seed = 7)
    {
        var backend = inputs[0].Backend;
        Tensor probe;
        using (GradMode.NoGrad()) probe = f(inputs);
        var w = Tensor.Randn(backend, seed, 1f, probe.Shape);

        // Analytic: seed ∂loss/∂y = w.
        foreach (var x in inputs) x.ZeroGrad();
        f(inputs).Backward(w);

        var failures = new List<string>();
        for (int n = 0; n < inputs.Length; n++)
        {
            var x = inputs[n];
            if (!x.RequiresGrad) continue;
            var analytic = x.Grad ?? new float[x.Length]; // no gradient reached x: it is zero
            for (int i = 0; i < x.Length; i++)
            {
                float original = x.Data[i];
                float up = original + Epsilon, down = original - Epsilon;
                x.Data[i] = up;
                double lossUp = Loss(f, inputs, w);
                x.Data[i] = down;
                double lossDown = Loss(f, inputs, w);
                x.Data[i] = original;
                double numeric = (lossUp - lossDown) / ((double)up - down);
                // Written as "not within" so that a NaN gradient (or a NaN loss) fails: NaN > tol is false.
                if (!(Math.Abs(analytic[i] - numeric) <= Tolerance * Math.Max(1.0, Math.Abs(numeric))))
                    failures.Add($"input {n} {Format(x.Shape)} element {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
        return failures;
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor w)
    {
        using var _ = GradMode.NoGrad();
        var y = f(inputs);
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)w.Data[i] * y.Data[i];
        return sum;
    }

    private static string Describe(List<string> failures)
    {
        var text = new StringBuilder($"{failures.Count} gradient mismatch(es):");
        foreach (var line in failures.Take(10)) text.Append('\n').Append(line);
        return text.ToString();
    }

    private static string Format(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>A trainable input with seeded N(0, std²) values.</summary>
    public static Tensor Param(ITensorBackend backend, int seed, params int[] shape) =>
        Tensor.Parameter(Tensor.Randn(backend, seed, 1f, shape));

    public static Tensor Param(ITensorBackend backend, int seed, float std, params int[] shape) =>
        Tensor.Parameter(Tensor.Randn(backend, seed, std, shape));
}
