using LlmForge.Autograd;

namespace LlmForge.Inspection;

/// <summary>
/// Summary of a tensor's values: count, mean, standard deviation (population, ÷ n), min and max, accumulated in
/// double. A NaN or infinity makes mean and std NaN (and is counted in <see cref="NonFinite"/>) rather than hiding.
/// </summary>
public sealed record TensorStatistics(long Count, double Mean, double Std, double Min, double Max, long NonFinite)
{
    /// <summary>The statistics of every element of <paramref name="tensor"/>.</summary>
    public static TensorStatistics Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Of(tensor.Data.AsSpan(0, checked((int)tensor.Length)));
    }

    /// <summary>The statistics of <paramref name="values"/> (an empty span has NaN mean, std, min and max).</summary>
    public static TensorStatistics Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return new(0, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nonFinite = 0;
        foreach (float v in values)
        {
            sum += v;
            if (!float.IsFinite(v)) nonFinite++;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double mean = sum / values.Length, squares = 0;
        foreach (float v in values) squares += (v - mean) * (v - mean); // two passes: no cancellation of Σx² − n·mean²
        if (nonFinite > 0) (mean, squares) = (double.NaN, double.NaN);
        return new(values.Length, mean, Math.Sqrt(squares / values.Length), min, max, nonFinite);
    }
}
