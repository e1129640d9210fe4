using System.Drawing;
using FaceNetML.Models;

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

    /// <summary>
    /// dlib's face chip (<c>get_face_chip_details</c>, padding 0.25) as five points: dlib's mean face shape (points
    /// 17..67 in the unit square) gives the eye centres (means of points 36..41 and 42..47), the nose tip (30) and the
    /// mouth corners (48, 54); each maps to <c>(p + 0.25) / 1.5</c> of the side. dlib's ResNet descriptor was trained on
    /// 150x150 chips made this way, so it is aligned to this template rather than the insightface one.
    /// </summary>
    public static FaceTemplate Dlib(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        PointF P(double x, double y) => new((float)((x + 0.25) / 1.5 * size), (float)((y + 0.25) / 1.5 * size));
        double eyeY = (0.216423 + 0.178758 + 0.179852 + 0.231733 + 0.245099 + 0.244077) / 6;
        double leftEyeX = (0.121737 + 0.187122 + 0.265825 + 0.334606 + 0.260918 + 0.182743) / 6;
        double rightEyeX = (0.645647 + 0.714428 + 0.793132 + 0.858516 + 0.79751 + 0.719335) / 6;
        return new FaceTemplate(size,
        [
            P(leftEyeX, eyeY), P(rightEyeX, eyeY), P(0.490127, 0.515625), P(0.254149, 0.780233), P(0.726104, 0.780233),
        ]);
    }

    /// <summary>The template names a model manifest may give (<see cref="AlignmentTemplateNames"/>).</summary>
    public static IReadOnlyList<string> Names => AlignmentTemplateNames.All;

    public static bool IsKnown(string name) => AlignmentTemplateNames.IsKnown(name);

    /// <summary>The named template at a given side.</summary>
    public static FaceTemplate For(string name, int size) => name switch
    {
        AlignmentTemplateNames.Standard => Standard(size),
        AlignmentTemplateNames.Dlib => Dlib(size),
        _ => throw new BadInputException($"unknown alignment template '{name}' ({string.Join(", ", Names)})"),
    };
}
