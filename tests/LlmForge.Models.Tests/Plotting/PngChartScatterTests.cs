using LlmForge.Plotting;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Samples;
using SkiaSharp;
using Xunit;

namespace LlmForge.Tests.Plotting;

public class PngChartScatterTests
{
    private static readonly double[] X = [0, 1, 2, 3], Y = [0, 1, 0, 1];

    /// <summary>Pixels of the picture that are not (near) white: what was drawn.</summary>
    private static int InkedPixels(string png) =>
        PngPixels.Count(png, p => p.Red < 200 || p.Green < 200 || p.Blue < 200);

    [Fact]
    public void Scatter_writes_a_png_and_draws_each_points_label_beside_it()
    {
        using var dir = new TempDirectory();
        string labelled = PngChart.Scatter(Path.Combine(dir.Path, "sub", "labelled.png"), "points", "x", "y",
            [new ScatterSeries("letters", X, Y, ["alpha", "beta", "gamma", "delta"]), new ScatterSeries("one more", [1.5], [0.5])]);
        string plain = PngChart.Scatter(Path.Combine(dir.Path, "plain.png"), "points", "x", "y",
            [new ScatterSeries("letters", X, Y), new ScatterSeries("one more", [1.5], [0.5])]);

        PngFile.AssertValid(labelled, PngChart.DefaultWidth, PngChart.DefaultHeight);
        PngFile.AssertValid(plain, PngChart.DefaultWidth, PngChart.DefaultHeight);
        // The same axes and markers; only the four words differ, and they add ink.
        int withLabels = InkedPixels(labelled), without = InkedPixels(plain);
        Assert.True(withLabels > without + 300, $"inked pixels: {withLabels} labelled, {without} plain");
    }

    [Fact]
    public void Scatter_rejects_no_series_and_lengths_that_disagree_naming_the_series()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "bad.png");
        Assert.Throws<ArgumentException>(() => PngChart.Scatter(path, "t", "x", "y", []));
        var e = Assert.Throws<ArgumentException>(() => PngChart.Scatter(path, "t", "x", "y", [new ScatterSeries("short", X, [1, 2])]));
        Assert.StartsWith("PngChart.Scatter: series 'short' has 4 x values and 2 y values.", e.Message);
        e = Assert.Throws<ArgumentException>(() => PngChart.Scatter(path, "t", "x", "y", [new ScatterSeries("named", X, Y, ["a"])]));
        Assert.StartsWith("PngChart.Scatter: series 'named' has 1 point labels for 4 points.", e.Message);
        Assert.False(File.Exists(path));
    }
}
