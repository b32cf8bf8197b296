using System.Numerics;

namespace LlmForge.Checkpoints;

/// <summary>
/// The value check every loaded tensor passes: all elements finite. A NaN or infinite weight (a diverged training,
/// bit rot) makes every output NaN, and greedy decoding then repeats one id without any error, so loading refuses it.
/// </summary>
internal static class TensorValues
{
    /// <summary>The index of the first NaN or ±infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        // x·0 is 0 for every finite x and NaN for NaN and ±∞, so one vectorized pass of sums finds whether any is
        // bad; only then is the tensor searched element by element for the index.
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            sum += new Vector<float>(values[i..]) * Vector<float>.Zero;
        float total = Vector.Sum(sum);
        for (; i < values.Length; i++) total += values[i] * 0f;
        if (total == 0f) return -1;
        for (int j = 0; j < values.Length; j++)
            if (!float.IsFinite(values[j])) return j;
        return -1;
    }

    /// <summary>"tensor 'name' holds NaN at index 17 of 768 …", or null when every value is finite.</summary>
    public static string? NonFiniteProblem(string tensor, ReadOnlySpan<float> values)
    {
        int index = FirstNonFinite(values);
        return index < 0 ? null
            : $"tensor '{tensor}' holds {values[index]} at index {index} of {values.Length}: the weights are not finite (a diverged training or a damaged file)";
    }

    /// <exception cref="CheckpointFormatException">Some value is NaN or infinite; the message names the file, tensor and index.</exception>
    public static void ThrowIfNonFinite(string path, string tensor, ReadOnlySpan<float> values)
    {
        if (NonFiniteProblem(tensor, values) is { } problem) throw new CheckpointFormatException(path, problem + ".");
    }
}
