namespace LlmForge.Plotting;

/// <summary>One curve of a line chart: y against x, named in the legend.</summary>
/// <param name="Label">The legend text.</param>
/// <param name="X">The x values, as many as <paramref name="Y"/>.</param>
/// <param name="Y">The y values.</param>
public sealed record LineSeries(string Label, double[] X, double[] Y);
