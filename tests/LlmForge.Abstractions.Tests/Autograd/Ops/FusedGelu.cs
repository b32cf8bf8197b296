using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Autograd.Ops;

/// <summary>
/// What the fused linear + GELU is checked on and how closely it must match the unfused ops: shared by the op's
/// tests (F.LinearGelu) and the layer's (FeedForward), so both cover the same backends and GELU forms.
/// </summary>
internal static class FusedGelu
{
    /// <summary>Every backend with both GELU forms.</summary>
    public static TheoryData<string, GeluApproximation> Cases =>
        new() { { "Managed", GeluApproximation.Tanh }, { "Managed", GeluApproximation.Erf }, { "Mkl", GeluApproximation.Tanh }, { "Mkl", GeluApproximation.Erf } };

    /// <summary>Fused and unfused agree to float rounding (relative 1e-5); fails on NaN.</summary>
    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: fused {actual[i]:R}, unfused {expected[i]:R}");
    }
}
