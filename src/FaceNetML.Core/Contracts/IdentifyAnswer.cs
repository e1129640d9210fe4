using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>Every face of a photo with its person (<c>facenetml identify --json</c>, <c>POST /v1/identify</c>).</summary>
/// <param name="Width">The image's width in pixels (the server's answer; left out by the CLI).</param>
/// <param name="Height">The image's height in pixels (the server's answer; left out by the CLI).</param>
/// <param name="Faces">The faces, in the detector's order.</param>
public sealed record IdentifyAnswer(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height,
    IReadOnlyList<IdentifiedFace> Faces);
