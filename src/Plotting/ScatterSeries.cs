namespace LlmForge.Plotting;

/// <summary>
/// One group of points of a scatter plot, drawn in one colour and named in the legend; each point may carry its own
/// text label, written beside it (e.g. the token whose embedding the point is).
/// </summary>
/// <param name="Label">The legend text.</param>
/// <param name="X">The x values, as many as <paramref name="Y"/>.</param>
/// <param name="Y">The y values.</param>
/// <param name="PointLabels">One text per point, or null for unlabelled points.</param>
public sealed record ScatterSeries(string Label, double[] X, double[] Y, IReadOnlyList<string>? PointLabels = null);
