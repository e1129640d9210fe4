using System.Globalization;
using SkiaSharp;

namespace FaceNetML.Trainers.Plots;

/// <summary>
/// Draws a learning curve as a PNG with SkiaSharp 2.88: x is the training step (linear, 0 to the last step), y a
/// value on a linear scale between the given bounds (accuracy from 0.5 to 1, say). Several series share the axes.
/// </summary>
public static class CurvePlot
{
    public static void WritePng(string path, string title, string xLabel, IReadOnlyList<RateSeries> series, double yMin, double yMax,
        int width = 720, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!(yMax > yMin)) throw new ArgumentException("yMax must exceed yMin");
        const int margin = 55;
        double xMax = Math.Max(1, series.SelectMany(s => s.Points).Select(p => p.X).DefaultIfEmpty(1).Max());
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        float plotW = width - 2 * margin, plotH = height - 2 * margin;
        float X(double x) => margin + (float)(x / xMax * plotW);
        float Y(double y) => height - margin - (float)((Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin) * plotH);
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var grid = new SKPaint { Color = SKColors.LightGray, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var text = new SKPaint { Color = SKColors.Black, TextSize = 12, IsAntialias = true };
        for (int k = 0; k <= 5; k++)
        {
            double y = yMin + (yMax - yMin) * k / 5, x = xMax * k / 5;
            canvas.DrawLine(margin, Y(y), width - margin, Y(y), grid);
            canvas.DrawText(y.ToString("0.###", CultureInfo.InvariantCulture), 8, Y(y) + 4, text);
            canvas.DrawLine(X(x), margin, X(x), height - margin, grid);
            canvas.DrawText(x.ToString("0", CultureInfo.InvariantCulture), X(x) - 12, height - margin + 16, text);
        }
        canvas.DrawRect(margin, margin, plotW, plotH, axis);
        canvas.DrawText(title, margin, margin - 15, text);
        canvas.DrawText(xLabel, width / 2f - 20, height - 12, text);
        PlotDrawing.Series(canvas, series, (x, y) => new SKPoint(X(x), Y(y)), margin, dots: true, legend: true);
        PlotDrawing.SavePng(surface, path);
    }
}
