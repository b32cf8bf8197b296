using Xunit;

namespace LlmForge.Tests.Backends.Gradients;

/// <summary>An element-wise backward kernel: dx += dy · f'(x).</summary>
internal delegate void ElementwiseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

/// <summary>Checks an element-wise backward kernel's vectorized, multi-threaded path against its scalar tail.</summary>
internal static class ScalarTail
{
    /// <summary>
    /// Runs <paramref name="backward"/> once over all of x (starting from <paramref name="dxStart"/>), then element by
    /// element in calls of length 1 (the scalar tail) at every 97th index, and asserts the two agree to 1e-6.
    /// </summary>
    public static void AssertMatches(float[] x, float[] dy, float[] dxStart, ElementwiseBackward backward, string what)
    {
        var dx = (float[])dxStart.Clone();
        backward(x, dy, dx);
        var one = new float[1];
        for (int i = 0; i < x.Length; i += 97)
        {
            one[0] = dxStart[i];
            backward(x.AsSpan(i, 1), dy.AsSpan(i, 1), one);
            Assert.True(Math.Abs(one[0] - dx[i]) <= 1e-6f * Math.Max(1, Math.Abs(one[0])), $"{what} dx[{i}]: {dx[i]} vs scalar {one[0]}");
        }
    }
}
