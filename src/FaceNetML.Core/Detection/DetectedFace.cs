using System.Drawing;

namespace FaceNetML.Detection;

/// <summary>One detected face: box in source-image pixels, detector confidence, and five landmarks
/// (left eye, right eye, nose, left mouth corner, right mouth corner, as seen in the image), or none.</summary>
public sealed record DetectedFace(RectangleF Box, float Score, PointF[]? Landmarks)
{
    public float Area => Box.Width * Box.Height;
}
