using System.Globalization;
using SkiaSharp;

namespace FaceNetML.Trainers.Plots;

/// <summary>One curve of a <see cref="RatePlot"/>: a legend name, a colour and its (x, y) points in drawing order.</summary>
public sealed record RateSeries(string Name, SKColor Colour, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Draws error-rate curves as a PNG with SkiaSharp 2.88: x is a rate on a log scale from 1e-4 to 1 (FAR, FPIR),
/// y a rate from 0 to 1 (TAR, FNIR). The ROC of verification and the DET of identification are both drawn here.
/// </summary>
public static class RatePlot
{
    public static void WritePng(string path, string title, IReadOnlyList<RateSeries> series, int size = 600)
    {
        ArgumentNullException.ThrowIfNull(series);
        const int margin = 50;
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        float plot = size - 2 * margin;
        const double minLog = -4;
        float X(double rate) => margin + (float)((Math.Log10(Math.Max(rate, 1e-4)) - minLog) / -minLog * plot);
        float Y(double rate) => size - margin - (float)(rate * plot);
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var grid = new SKPaint { Color = SKColors.LightGray, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 12, IsAntialias = true };
        for (int e = -4; e <= 0; e++)
        {
            canvas.DrawLine(X(Math.Pow(10, e)), margin, X(Math.Pow(10, e)), size - margin, grid);
            canvas.DrawText($"1e{e}", X(Math.Pow(10, e)) - 12, size - margin + 16, text);
        }
        for (int k = 0; k <= 10; k += 2)
        {
            canvas.DrawLine(margin, Y(k / 10.0), size - margin, Y(k / 10.0), grid);
            canvas.DrawText((k / 10.0).ToString("0.0", CultureInfo.InvariantCulture), 10, Y(k / 10.0) + 4, text);
        }
        canvas.DrawRect(margin, margin, plot, plot, axis);
        canvas.DrawText(title, margin, margin - 15, text);
        PlotDrawing.Series(canvas, series, (x, y) => new SKPoint(X(x), Y(y)), margin, dots: false, legend: series.Count > 1);
        PlotDrawing.SavePng(surface, path);
    }
}
