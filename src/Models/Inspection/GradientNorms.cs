using LlmForge.Layers;

namespace LlmForge.Inspection;

/// <summary>One parameter's gradient after a backward pass: its L2 norm, null when no gradient reached it.</summary>
/// <param name="Name">The parameter's dotted name ("trf_blocks.0.att.W_query.weight").</param>
/// <param name="Shape">The parameter's shape.</param>
/// <param name="Norm">‖∂loss/∂parameter‖₂, or null when the parameter has no gradient (not used, or before backward).</param>
public sealed record ParameterGradientNorm(string Name, IReadOnlyList<int> Shape, double? Norm);

/// <summary>
/// The gradient norms of a module's parameters after <c>loss.Backward()</c>: per parameter (the course's vanishing
/// gradient plots: a deep stack with and without shortcuts) and in total (what gradient clipping compares).
/// </summary>
public static class GradientNorms
{
    /// <summary>Every distinct parameter of <paramref name="module"/> (tied ones once), in <see cref="Module.NamedParameters"/> order.</summary>
    public static IReadOnlyList<ParameterGradientNorm> Of(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.NamedParameters()
            .Select(p => new ParameterGradientNorm(p.Name, p.Parameter.Shape.ToArray(), p.Parameter.Grad is { } g ? Norm(g.AsSpan(0, checked((int)p.Parameter.Length))) : null))
            .ToArray();
    }

    /// <summary>√(Σ norm²) over the parameters that have a gradient: the global norm gradient clipping uses.</summary>
    public static double Total(IEnumerable<ParameterGradientNorm> norms)
    {
        ArgumentNullException.ThrowIfNull(norms);
        return Math.Sqrt(norms.Sum(n => n.Norm is { } v ? v * v : 0));
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double squares = 0;
        foreach (float v in values) squares += (double)v * v;
        return Math.Sqrt(squares);
    }
}
