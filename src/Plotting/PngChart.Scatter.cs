using ScottPlot;

namespace LlmForge.Plotting;

public static partial class PngChart
{
    /// <summary>
    /// Draws the points of <paramref name="series"/> on one pair of axes, a colour and a legend entry per series, each
    /// point's label (when the series has them) written just above and right of its marker: a map of labelled points,
    /// such as token embeddings projected to two dimensions.
    /// </summary>
    /// <exception cref="ArgumentException">No series, or one whose X, Y and point labels differ in length.</exception>
    /// <exception cref="InvalidOperationException">No font to draw the text with (<see cref="CanDrawText"/>).</exception>
    public static string Scatter(string path, string title, string xLabel, string yLabel, IReadOnlyList<ScatterSeries> series,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        RequirePoints("Scatter", series.Select(s => (s.Label, s.X.Length, s.Y.Length)));
        var plot = new Plot();
        foreach (var s in series)
        {
            if (s.PointLabels is not null && s.PointLabels.Count != s.X.Length)
                throw new ArgumentException($"PngChart.Scatter: series '{s.Label}' has {s.PointLabels.Count} point labels for {s.X.Length} points.", nameof(series));
            var markers = plot.Add.Markers(s.X, s.Y);
            markers.LegendText = s.Label;
            markers.MarkerSize = 7;
            if (s.PointLabels is null) continue;
            for (int i = 0; i < s.X.Length; i++)
            {
                // In the series' colour, offset in pixels (not data units), so a label never hides its own marker.
                var text = plot.Add.Text(s.PointLabels[i], s.X[i], s.Y[i]);
                text.LabelFontSize = 14;
                text.LabelFontColor = markers.Color;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 4;
                text.OffsetY = -4;
            }
        }
        plot.ShowLegend(Edge.Right);
        return Save(plot, path, title, xLabel, yLabel, width, height);
    }
}
