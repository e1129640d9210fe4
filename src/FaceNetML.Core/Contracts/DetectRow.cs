using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>One image of a detection over several images: its faces, or why it has none.</summary>
/// <param name="Path">The file as given.</param>
/// <param name="Faces">Every face of the image, as in <see cref="DetectAnswer.Faces"/> (empty when none); left out on failure.</param>
/// <param name="Error">Why the image could not be searched, in one line; left out on success.</param>
public sealed record DetectRow(
    string Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FaceDetection>? Faces,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static DetectRow Detected(string path, IReadOnlyList<FaceDetection> faces) => new(path, faces, null);

    public static DetectRow Failed(string path, string error) => new(path, null, error);
}
