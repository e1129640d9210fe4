using System.Text.Json.Serialization;
using FaceNetML.Detection;

namespace FaceNetML.Contracts;

/// <summary>Every face of an image (<c>facenetml detect --json</c>, <c>POST /v1/detect</c>).</summary>
/// <param name="Width">The image's width in pixels (the server's answer; left out by the CLI).</param>
/// <param name="Height">The image's height in pixels (the server's answer; left out by the CLI).</param>
/// <param name="Faces">The faces, largest detector score first as the detector gives them; empty when none.</param>
public sealed record DetectAnswer(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height,
    IReadOnlyList<FaceDetection> Faces)
{
    public static DetectAnswer From(IEnumerable<DetectedFace> faces, int? width = null, int? height = null) =>
        new(width, height, [.. faces.Select(FaceDetection.From)]);
}
