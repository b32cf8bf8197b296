using Xunit.Sdk;

namespace LlmForge.Tests.Backends;

/// <summary>Element-wise comparison of a kernel's float output with a double reference, reporting the worst element.</summary>
public static class Approx
{
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, Tolerance tolerance, string what)
    {
        if (actual.Length != expected.Length)
            throw new XunitException($"{what}: {actual.Length} values, expected {expected.Length}.");
        int failures = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (tolerance.Accepts(actual[i], expected[i])) continue;
            failures++;
            double excess = Math.Abs(actual[i] - expected[i]) / (tolerance.Absolute + tolerance.Relative * Math.Abs(expected[i]));
            if (worst < 0 || excess > worstExcess || double.IsNaN(excess)) (worst, worstExcess) = (i, excess);
        }
        if (failures > 0)
            throw new XunitException(
                $"{what}: {failures} of {expected.Length} values out of tolerance (rel {tolerance.Relative}, abs {tolerance.Absolute}); " +
                $"worst at [{worst}]: got {actual[worst]:R}, expected {expected[worst]:R}.");
    }

    /// <summary>Per-element bounds: |actual[i] − expected[i]| ≤ bound[i].</summary>
    public static void Within(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, ReadOnlySpan<double> bound, string what)
    {
        int failures = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double excess = Math.Abs(actual[i] - expected[i]) / bound[i];
            if (excess <= 1) continue;
            failures++;
            if (worst < 0 || excess > worstExcess || double.IsNaN(excess)) (worst, worstExcess) = (i, excess);
        }
        if (failures > 0)
            throw new XunitException(
                $"{what}: {failures} of {expected.Length} values out of bounds; worst at [{worst}]: got {actual[worst]:R}, " +
                $"expected {expected[worst]:R} ± {bound[worst]:G3}.");
    }

    /// <summary>A gradient against finite differences, with <see cref="Tolerances.GradientRelative"/>.</summary>
    public static void Gradient(ReadOnlySpan<double> finiteDifference, ReadOnlySpan<float> gradient, string what)
    {
        double scale = FiniteScale(finiteDifference, what);
        Equal(finiteDifference, gradient, new Tolerance(Tolerances.GradientRelative, Tolerances.GradientRelative * scale + 1e-12), what);
    }

    /// <summary>
    /// max |values[i]|, for a tolerance relative to a reference's scale. A NaN or infinity in the reference fails:
    /// an infinite scale would accept every value (|error| ≤ ∞), a NaN one none but silently for the wrong reason.
    /// </summary>
    public static double FiniteScale(ReadOnlySpan<double> values, string what)
    {
        double scale = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new XunitException($"{what}: the reference [{i}] is {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; a tolerance cannot be scaled by it.");
            scale = Math.Max(scale, Math.Abs(values[i]));
        }
        return scale;
    }

    /// <summary>The gradient a backward kernel added: after − before.</summary>
    public static float[] Added(ReadOnlySpan<float> after, ReadOnlySpan<float> before)
    {
        var d = new float[after.Length];
        for (int i = 0; i < d.Length; i++) d[i] = after[i] - before[i];
        return d;
    }
}
