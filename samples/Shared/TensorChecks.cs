using LlmForge.Autograd;

namespace LlmForge.Samples;

/// <summary>
/// How the learner samples compare a result built by hand with the library's: the largest element-wise difference.
/// Compiled into the samples that check against a layer (linked source, not a library).
/// </summary>
internal static class TensorChecks
{
    /// <summary>max |a − b| over the elements (in double, so the figure is float32's rounding, not the sum's); NaN
    /// when either holds a NaN, so a check <c>!(difference &lt;= tolerance)</c> fails on it.</summary>
    public static double MaxDifference(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length)
            throw new ArgumentException($"MaxDifference: {a.Length} elements against {b.Length}.", nameof(b));
        ReadOnlySpan<float> x = a.Span, y = b.Span;
        double max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double difference = Math.Abs((double)x[i] - y[i]);
            if (double.IsNaN(difference)) return double.NaN; // LINQ's Max would skip it
            max = Math.Max(max, difference);
        }
        return max;
    }
}
