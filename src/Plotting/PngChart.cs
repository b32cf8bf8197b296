using ScottPlot;

namespace LlmForge.Plotting;

/// <summary>
/// Charts written as PNG files: a line chart of several curves, a heat map of a matrix and a scatter of labelled
/// points (<see cref="Scatter"/>), each with a title, axis labels and (heat map) a colour bar. Drawn by ScottPlot on SkiaSharp's no-dependency Linux build, which needs no
/// system library but reads its fonts from /usr/share/fonts itself: with no font there, every label would be silently
/// blank, so drawing fails first with one line naming the fix. Each call writes one file, creating its folder, and
/// returns the path written.
/// </summary>
public static partial class PngChart
{
    /// <summary>Default picture size in pixels.</summary>
    public const int DefaultWidth = 900, DefaultHeight = 560;

    /// <summary>A series with at most this many points is drawn with a marker at each (see <see cref="Lines"/>).</summary>
    public const int SparsePoints = 40;

    /// <summary>
    /// Draws the curves of <paramref name="series"/> on one pair of axes, with a legend; a series of at most
    /// <see cref="SparsePoints"/> points also marks each point, so a single evaluation is visible. When every x is an
    /// integer (layers, steps) the x axis has integer ticks only.
    /// </summary>
    /// <exception cref="ArgumentException">No series, or one whose X and Y differ in length.</exception>
    /// <exception cref="InvalidOperationException">No font to draw the text with (<see cref="CanDrawText"/>).</exception>
    public static string Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        RequirePoints("Lines", series.Select(s => (s.Label, s.X.Length, s.Y.Length)));
        var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.ScatterLine(s.X, s.Y);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            // A sparse series (evaluations every N steps; a single one when a run is short) gets markers: a line
            // needs two points, and one point alone would draw nothing.
            line.MarkerSize = s.X.Length <= SparsePoints ? 7 : 0;
        }
        plot.ShowLegend(Edge.Right); // beside the axes, never over a curve
        if (series.All(s => s.X.All(double.IsInteger))) // layers, steps: no tick at "layer 1.2"
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return Save(plot, path, title, xLabel, yLabel, width, height);
    }

    /// <summary>
    /// Draws <paramref name="values"/> [rows, columns] as coloured cells, row 0 at the top (as a matrix is printed),
    /// column c at x = c, with a colour bar named <paramref name="colorBarLabel"/>. With <paramref name="columnLabels"/>
    /// and <paramref name="rowLabels"/> (e.g. the tokens of an attention matrix) each column and row is named on its
    /// axis instead of numbered.
    /// </summary>
    /// <exception cref="ArgumentException">A label list whose length is not the column or row count.</exception>
    /// <exception cref="InvalidOperationException">No font to draw the text with (<see cref="CanDrawText"/>).</exception>
    public static string Heatmap(string path, string title, string xLabel, string yLabel, double[,] values,
        string colorBarLabel = "value", int width = DefaultWidth, int height = DefaultHeight,
        IReadOnlyList<string>? columnLabels = null, IReadOnlyList<string>? rowLabels = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (columnLabels is not null && columnLabels.Count != values.GetLength(1))
            throw new ArgumentException($"PngChart.Heatmap: {columnLabels.Count} column labels for {values.GetLength(1)} columns.", nameof(columnLabels));
        if (rowLabels is not null && rowLabels.Count != values.GetLength(0))
            throw new ArgumentException($"PngChart.Heatmap: {rowLabels.Count} row labels for {values.GetLength(0)} rows.", nameof(rowLabels));
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(map);
        bar.Label = colorBarLabel;
        // y grows downward, so row r sits at y = r from the top, as in the printed table
        plot.Axes.Margins(0, 0); // the cells fill the axes
        plot.Axes.InvertY();
        if (columnLabels is not null) plot.Axes.Bottom.SetTicks(Positions(columnLabels.Count), [.. columnLabels]);
        if (rowLabels is not null) plot.Axes.Left.SetTicks(Positions(rowLabels.Count), [.. rowLabels]);
        return Save(plot, path, title, xLabel, yLabel, width, height);
    }

    /// <summary>
    /// Draws several heat maps in one picture, a grid of <paramref name="panels"/> [row, column] (each [rows, columns]
    /// of values, row 0 at the top), each with its title, on one colour scale from the smallest to the largest value
    /// (attention maps: every head of every layer). <paramref name="tickLabels"/>, when given, names the cells along
    /// both axes of every panel (tokens), one label per row and column of a panel; <paramref name="xLabel"/> and
    /// <paramref name="yLabel"/> name the axes of the bottom row and the left column. <paramref name="rowTickLabels"/>
    /// names the rows instead when they differ from the columns (a cross-attention map: target tokens × source tokens).
    /// </summary>
    /// <exception cref="ArgumentException">No panels, or a null one.</exception>
    /// <exception cref="InvalidOperationException">No font to draw the text with (<see cref="CanDrawText"/>).</exception>
    public static string HeatmapGrid(string path, double[,][,] panels, string[,] panelTitles, string xLabel, string yLabel,
        IReadOnlyList<string>? tickLabels = null, int panelSize = 300, IReadOnlyList<string>? rowTickLabels = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(panelTitles);
        int rows = panels.GetLength(0), columns = panels.GetLength(1);
        if (rows == 0 || columns == 0) throw new ArgumentException("PngChart.HeatmapGrid: no panels to draw.", nameof(panels));
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var panel in panels)
        {
            if (panel is null) throw new ArgumentException("PngChart.HeatmapGrid: a panel is null.", nameof(panels));
            foreach (double v in panel)
                if (double.IsFinite(v)) (min, max) = (Math.Min(min, v), Math.Max(max, v));
        }
        RequireFont(path);
        var multiplot = new Multiplot();
        multiplot.AddPlots(rows * columns);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                var plot = multiplot.GetPlot(r * columns + c);
                var map = plot.Add.Heatmap(panels[r, c]);
                map.Colormap = new ScottPlot.Colormaps.Viridis();
                map.ManualRange = new ScottPlot.Range(min, max);
                plot.Axes.Margins(0, 0);
                plot.Axes.InvertY();
                plot.Title(panelTitles[r, c], size: 12);
                if (c == 0) plot.YLabel(yLabel, size: 11);     // the axes' meaning once per row and column, not in every panel
                if (r == rows - 1) plot.XLabel(xLabel, size: 11);
                if (tickLabels is not null)
                {
                    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Positions(tickLabels.Count), [.. tickLabels]);
                    plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
                    plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
                }
                if ((rowTickLabels ?? tickLabels) is { } rowLabels)
                    plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Positions(rowLabels.Count), [.. rowLabels]);
            }
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        multiplot.SavePng(full, columns * panelSize, rows * panelSize);
        return full;
    }

    /// <summary>True when Skia's default typeface has glyphs: with no font file found it is an empty one and every text is blank.</summary>
    public static bool CanDrawText => SkiaSharp.SKTypeface.Default.GlyphCount > 0;

    /// <summary>Throws unless there is a series and each has as many x as y values (the message names the chart and the series).</summary>
    private static void RequirePoints(string chart, IEnumerable<(string Label, int X, int Y)> series)
    {
        bool any = false;
        foreach (var (label, x, y) in series)
        {
            any = true;
            if (x != y)
                throw new ArgumentException($"PngChart.{chart}: series '{label}' has {x} x values and {y} y values.", nameof(series));
        }
        if (!any) throw new ArgumentException($"PngChart.{chart}: no series to draw.", nameof(series));
    }

    /// <summary>0, 1, …, count − 1: the centres of the heat map's cells along one axis.</summary>
    private static double[] Positions(int count) => Enumerable.Range(0, count).Select(i => (double)i).ToArray();

    private static string Save(Plot plot, string path, string title, string xLabel, string yLabel, int width, int height)
    {
        RequireFont(path);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.SavePng(full, width, height);
        return full;
    }

    private static void RequireFont(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!CanDrawText)
            throw new InvalidOperationException(
                $"PngChart: no font found (Skia reads /usr/share/fonts), so '{Path.GetFileName(path)}' would have no text; install one, e.g. apt-get install fonts-dejavu-core.");
    }
}
