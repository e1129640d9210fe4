using SkiaSharp;

namespace FaceNetML.Trainers.Plots;

/// <summary>What the PNG plots share: drawing each series as a polyline with its legend, and writing the surface as PNG.</summary>
internal static class PlotDrawing
{
    /// <param name="toPixel">Maps a data point to canvas coordinates.</param>
    /// <param name="dots">Also mark each point.</param>
    /// <param name="legend">Draw the series names (top left, inside the plot).</param>
    public static void Series(SKCanvas canvas, IReadOnlyList<RateSeries> series, Func<double, double, SKPoint> toPixel, float margin, bool dots, bool legend)
    {
        for (int s = 0; s < series.Count; s++)
        {
            using var curve = new SKPaint { Color = series[s].Colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var dot = new SKPaint { Color = series[s].Colour, IsAntialias = true, Style = SKPaintStyle.Fill };
            using var line = new SKPath();
            bool first = true;
            foreach (var (x, y) in series[s].Points)
            {
                var p = toPixel(x, y);
                if (first) line.MoveTo(p); else line.LineTo(p);
                if (dots) canvas.DrawCircle(p, 3, dot);
                first = false;
            }
            canvas.DrawPath(line, curve);
            if (legend)
            {
                using var text = new SKPaint { Color = series[s].Colour, TextSize = 12, IsAntialias = true };
                canvas.DrawText(series[s].Name, margin + 10, margin + 18 + 16 * s, text);
            }
        }
    }

    public static void SavePng(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
