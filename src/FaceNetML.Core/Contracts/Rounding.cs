using System.Drawing;

namespace FaceNetML.Contracts;

/// <summary>The numbers of the answers as they are written: pixels to 0.1, scores, distances and confidences to 4 decimals.</summary>
public static class Rounding
{
    /// <summary><paramref name="v"/> to <paramref name="digits"/> decimals (4 unless told).</summary>
    public static float Round(float v, int digits = 4) => MathF.Round(v, digits);

    /// <inheritdoc cref="Round(float, int)"/>
    public static double Round(double v, int digits = 4) => Math.Round(v, digits);

    /// <summary>Rounded to 4 decimals, or null when not a finite number (the distance to an empty gallery).</summary>
    public static float? Finite(float v) => float.IsFinite(v) ? Round(v) : null;

    /// <summary>A box as [x, y, width, height] in pixels of the upright image, to 0.1 pixel.</summary>
    public static float[] Box(RectangleF box) => [Round(box.X, 1), Round(box.Y, 1), Round(box.Width, 1), Round(box.Height, 1)];

    /// <summary>A point as [x, y] in pixels, to 0.1 pixel.</summary>
    public static float[] Point(PointF p) => [Round(p.X, 1), Round(p.Y, 1)];
}
