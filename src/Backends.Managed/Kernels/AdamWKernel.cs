using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>One AdamW step, in the exact order of torch.optim.AdamW (single-tensor path).</summary>
public static unsafe class AdamWKernel
{
    /// <summary>
    /// In place, for every element, with t = <paramref name="step"/> (from 1):
    /// <code>
    /// p ← p · (1 − lr·weightDecay)                      // decoupled decay first, on the old p
    /// m ← β1·m + (1 − β1)·g
    /// v ← β2·v + (1 − β2)·g²
    /// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
    /// </code>
    /// The scalar factors are computed in double and rounded to float once, as torch does with Python floats.
    /// The hyperparameters arrive as float, so each is first widened through its shortest decimal form
    /// (0.999f → 0.999, not 0.99900001287): 1 − β2 is then torch's 0.001 rather than 0.00099998713, a
    /// 1.3e-5 relative difference in v that a float-to-double cast alone would leave.
    /// </summary>
    public static void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float eps, float weightDecay, int step, int threads)
    {
        KernelChecks.AdamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
        double lrD = AsTyped(lr), beta1D = AsTyped(beta1), beta2D = AsTyped(beta2), weightDecayD = AsTyped(weightDecay);
        var f = new Factors(
            Decay: (float)(1 - lrD * weightDecayD),
            Beta1: beta1, OneMinusBeta1: (float)(1 - beta1D),
            Beta2: beta2, OneMinusBeta2: (float)(1 - beta2D),
            StepSize: (float)(lrD / (1 - Math.Pow(beta1D, step))),
            BiasCorrection2Sqrt: (float)Math.Sqrt(1 - Math.Pow(beta2D, step)),
            Eps: eps);
        fixed (float* pp = param, pg = grad, pm = m, pv = v)
        {
            int n = param.Length;
            KernelParallel.For(n, 5L * n, threads, new Operands(pp, pg, pm, pv, f), static (in Operands o, int s, int e) =>
                Range(new Span<float>(o.Param + s, e - s), new ReadOnlySpan<float>(o.Grad + s, e - s),
                    new Span<float>(o.M + s, e - s), new Span<float>(o.V + s, e - s), o.Factors));
        }
    }

    /// <summary>The pinned param, grad and moments, and the step's factors.</summary>
    private readonly struct Operands(float* param, float* grad, float* m, float* v, Factors factors)
    {
        public readonly float* Param = param, Grad = grad, M = m, V = v;
        public readonly Factors Factors = factors;
    }

    /// <summary>The double a user typed for <paramref name="value"/>: its shortest round-trip decimal, parsed as double.</summary>
    /// <remarks>Formatted into a stack buffer rather than a string: an optimizer step calls this for every parameter tensor.</remarks>
    private static double AsTyped(float value)
    {
        Span<char> digits = stackalloc char[32];   // at most 9 digits, a sign, a point and an exponent: "-1.1754944E-38"
        value.TryFormat(digits, out int length, "R", CultureInfo.InvariantCulture);
        return double.Parse(digits[..length], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private readonly record struct Factors(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float StepSize, float BiasCorrection2Sqrt, float Eps);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Factors f)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var decay = Vector512.Create(f.Decay);
            var beta1 = Vector512.Create(f.Beta1);
            var oneMinusBeta1 = Vector512.Create(f.OneMinusBeta1);
            var beta2 = Vector512.Create(f.Beta2);
            var oneMinusBeta2 = Vector512.Create(f.OneMinusBeta2);
            var stepSize = Vector512.Create(f.StepSize);
            var bc2Sqrt = Vector512.Create(f.BiasCorrection2Sqrt);
            var eps = Vector512.Create(f.Eps);
            for (; i <= p.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var gv = Vector512.Create(g.Slice(i));
                var pv = Vector512.Create((ReadOnlySpan<float>)p.Slice(i)) * decay;
                var mv = Vector512.Create((ReadOnlySpan<float>)m.Slice(i)) * beta1 + gv * oneMinusBeta1;
                var vv = Vector512.Create((ReadOnlySpan<float>)v.Slice(i)) * beta2 + gv * gv * oneMinusBeta2;
                var denom = Vector512.Sqrt(vv) / bc2Sqrt + eps;
                pv -= stepSize * (mv / denom);
                mv.CopyTo(m.Slice(i));
                vv.CopyTo(v.Slice(i));
                pv.CopyTo(p.Slice(i));
            }
        }
        for (; i < p.Length; i++)
        {
            float gi = g[i];
            float pi = p[i] * f.Decay;
            float mi = m[i] * f.Beta1 + gi * f.OneMinusBeta1;
            float vi = v[i] * f.Beta2 + gi * gi * f.OneMinusBeta2;
            float denom = MathF.Sqrt(vi) / f.BiasCorrection2Sqrt + f.Eps;
            p[i] = pi - f.StepSize * (mi / denom);
            m[i] = mi;
            v[i] = vi;
        }
    }
}
