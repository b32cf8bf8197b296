using SkiaSharp;

namespace LlmForge.Tests.Plotting;

/// <summary>Reads a written chart back as pixels, to check that something was drawn rather than only that a file exists.</summary>
internal static class PngPixels
{
    /// <summary>How many pixels of <paramref name="png"/> satisfy <paramref name="predicate"/>.</summary>
    public static int Count(string png, Func<SKColor, bool> predicate)
    {
        using var bitmap = SKBitmap.Decode(png);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (predicate(bitmap.GetPixel(x, y))) count++;
        return count;
    }
}
