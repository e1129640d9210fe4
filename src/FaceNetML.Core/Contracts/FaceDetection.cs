using System.Text.Json.Serialization;
using FaceNetML.Detection;

namespace FaceNetML.Contracts;

/// <summary>One face found by the detector (<c>facenetml detect</c>, <c>POST /v1/detect</c>).</summary>
/// <param name="Box">[x, y, width, height] in pixels of the upright image, to 0.1 pixel.</param>
/// <param name="Score">The detector's confidence (0..1), to 4 decimals.</param>
/// <param name="Landmarks">Five [x, y] points (left eye, right eye, nose, left and right mouth corner, as seen in the
/// image), to 0.1 pixel; left out when the detector gives none.</param>
public sealed record FaceDetection(
    float[] Box,
    float Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[][]? Landmarks)
{
    public static FaceDetection From(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return new(Rounding.Box(face.Box), Rounding.Round(face.Score), face.Landmarks?.Select(Rounding.Point).ToArray());
    }
}
