using System.Drawing;

namespace FaceNetML.Alignment;

/// <summary>The five reference landmark positions a model was trained with, for a square crop of a given size.</summary>
public sealed record FaceTemplate(int Size, PointF[] Points)
{
    /// <summary>The insightface / ArcFace 112x112 template (eyes, nose, mouth corners).</summary>
    public static FaceTemplate Standard112 { get; } = new(112,
    [
        new PointF(38.2946f, 51.6963f), new PointF(73.5318f, 51.5014f), new PointF(56.0252f, 71.7366f),
        new PointF(41.5493f, 92.3655f), new PointF(70.7299f, 92.2041f),
    ]);

    /// <summary>The standard template scaled to a <paramref name="size"/> x <paramref name="size"/> crop.</summary>
    public static FaceTemplate Standard(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (size == Standard112.Size)
            return Standard112;
        var k = size / 112f;
        return new FaceTemplate(size, Array.ConvertAll(Standard112.Points, p => new PointF(p.X * k, p.Y * k)));
    }
}
