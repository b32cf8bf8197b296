using Xunit.Sdk;

namespace LlmForge.Tests;

/// <summary>
/// The scale a relative tolerance is taken against: the largest |value| of a computed reference. Enumerable.Max
/// skips NaN, and an infinite value makes the scale infinite, so that every difference passes
/// (finite / ∞ = 0 ≤ tol): a scale is only taken over finite values, and a non-finite one fails the test.
/// </summary>
internal static class ToleranceScale
{
    /// <summary>max |values[i]|; throws naming the first NaN or infinity.</summary>
    public static double MaxAbs(ReadOnlySpan<float> values, string what)
    {
        double max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new XunitException($"{what}[{i}] is {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}: a tolerance cannot be scaled by a non-finite reference.");
            max = Math.Max(max, Math.Abs((double)values[i]));
        }
        return max;
    }
}
