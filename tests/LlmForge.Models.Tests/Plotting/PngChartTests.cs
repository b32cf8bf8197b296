using LlmForge.Plotting;
using LlmForge.Tests.Checkpoints;
using SkiaSharp;
using Xunit;

namespace LlmForge.Tests.Plotting;

public class PngChartTests
{
    /// <summary>How many pixels of <paramref name="png"/> have the colour <paramref name="colour"/> (within a few levels, for anti-aliasing).</summary>
    private static int PixelsOf(string png, SKColor colour) => PngPixels.Count(png,
        p => Math.Abs(p.Red - colour.Red) <= 8 && Math.Abs(p.Green - colour.Green) <= 8 && Math.Abs(p.Blue - colour.Blue) <= 8);

    [Fact]
    public void A_series_of_one_point_is_drawn_as_a_marker()
    {
        using var dir = new TempDirectory();
        // The second series is the one-point one (a run short enough to evaluate once); it takes the palette's second colour.
        LineSeries[] series =
        [
            new("every step", [1, 2, 3, 4], [3.0, 2.6, 2.4, 2.3]),
            new("one evaluation", [4], [2.5]),
        ];
        string png = PngChart.Lines(Path.Combine(dir.Path, "one.png"), "t", "step", "loss", series);
        var second = new ScottPlot.Plot().Add.Palette.GetColor(1);
        var colour = new SKColor(second.R, second.G, second.B);
        int withPoint = PixelsOf(png, colour);

        string without = PngChart.Lines(Path.Combine(dir.Path, "none.png"), "t", "step", "loss",
            [series[0], new LineSeries("one evaluation", [], [])]);
        int legendOnly = PixelsOf(without, colour);

        // The legend shows the colour in both; the marker adds a disc of about π·3.5² ≈ 38 pixels.
        Assert.True(withPoint - legendOnly >= 20, $"{withPoint} pixels of the series' colour with the point, {legendOnly} without");
    }
}
