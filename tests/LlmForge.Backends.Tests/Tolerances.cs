namespace LlmForge.Tests.Backends;

/// <summary>|actual − expected| ≤ Absolute + Relative·|expected|.</summary>
public sealed record Tolerance(double Relative, double Absolute)
{
    public bool Accepts(double actual, double expected) =>
        Math.Abs(actual - expected) <= Absolute + Relative * Math.Abs(expected)
        || (double.IsNaN(actual) && double.IsNaN(expected))
        || (double.IsInfinity(expected) && actual == expected);
}

/// <summary>
/// Every tolerance of the backend tests, in one place. A float32 kernel is compared with a double-precision
/// reference, so each bound is float round-off (ε = 2⁻²⁴ ≈ 6e-8 per operation) times a margin, far below
/// the error of any real bug (a missing term, a wrong index, a wrong constant).
/// </summary>
public static class Tolerances
{
    /// <summary>One rounded float operation or a correctly rounded function: a + b, a·b, exp, tanh.</summary>
    public static readonly Tolerance Elementwise = new(1e-5, 1e-30);

    /// <summary>
    /// GELU: relative, plus an absolute 1e-6 for x ≪ 0 where GELU is tiny: a backend forming
    /// 0.5·x·(1 + erf(x/√2)) in float (as PyTorch does) loses its relative precision there.
    /// </summary>
    public static readonly Tolerance Gelu = new(1e-5, 1e-6);

    /// <summary>Softmax probabilities and their gradients.</summary>
    public static readonly Tolerance Softmax = new(1e-5, 1e-7);

    /// <summary>A backward kernel's result: a gradient of order 1 added into an existing one of order 1.</summary>
    public static readonly Tolerance Accumulated = new(1e-5, 1e-6);

    /// <summary>
    /// Fused attention outputs, logsumexps and gradients (values of order 1): the float dot products over D ≤ 64,
    /// the online softmax's rescalings and sums over up to 129 keys; measured worst 8.5e-7 (dv, causal T = 129, D = 64).
    /// </summary>
    public static readonly Tolerance Attention = new(2e-5, 2e-5);

    /// <summary>LayerNorm / RMSNorm outputs (values of order 1) and saved statistics.</summary>
    public static readonly Tolerance Norm = new(1e-5, 1e-5);

    /// <summary>Cross-entropy losses and log-sum-exps (values up to ~11 for a 50257 vocabulary).</summary>
    public static readonly Tolerance CrossEntropy = new(1e-5, 1e-5);

    /// <summary>
    /// Three AdamW steps (a few dependent float operations per step): relative 1e-5, plus 1e-6 of the buffer's
    /// largest magnitude for entries that cancel (p and m near 0). v ~ 1e-5 here, so a fixed absolute term
    /// would hide a wrong 1 − β2.
    /// </summary>
    public static Tolerance AdamW(ReadOnlySpan<double> expected) => new(1e-5, 1e-6 * Approx.FiniteScale(expected, "AdamW reference"));

    /// <summary>A sum of n terms in float: |error| ≤ this · Σ|terms| (pairwise/vector sums do far better than n·ε).</summary>
    public const double SumRelative = 1e-5;

    /// <summary>
    /// GEMM: |C − C_ref| ≤ GemmScale · √k · |alpha| · max|A| · max|B| + SumRelative · |beta · C₀|. Float
    /// round-off of a k-term dot product grows like √k·ε for random signs, k·ε at worst (4.6e-5 for k = 768,
    /// still inside the bound up to k ≈ 27,000), while dropping one term of the product costs ~0.25.
    /// </summary>
    public const double GemmScale = 1e-5;

    /// <summary>
    /// Backward kernels against finite differences of the double reference forward:
    /// |g − g_fd| ≤ GradientRelative · (|g_fd| + max|g_fd|). The differences themselves are exact to ~1e-9.
    /// </summary>
    public const double GradientRelative = 1e-4;
}
