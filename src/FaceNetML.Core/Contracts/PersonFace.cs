using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>One stored face of a person.</summary>
/// <param name="Id">The face's stable id (from its source), used in the face's URLs.</param>
/// <param name="Source">Where the face came from (the uploaded file's name, or a path).</param>
/// <param name="Gray">Whether the photo was grayscale (probes meet it with their grayscale embedding).</param>
/// <param name="Thumbnail">URL of the face's JPEG thumbnail, or null when none was stored.</param>
public sealed record PersonFace(string Id, string Source, bool Gray,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Thumbnail);
