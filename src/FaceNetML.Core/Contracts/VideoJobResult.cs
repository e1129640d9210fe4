using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>What a finished video job found.</summary>
/// <param name="Frames">Frames processed.</param>
/// <param name="Width">The video's width, pixels.</param>
/// <param name="Height">The video's height, pixels.</param>
/// <param name="FrameRate">Its frame rate, frames per second, to 0.01.</param>
/// <param name="Every">The detector ran on every N-th frame (the tracker carried the boxes between).</param>
/// <param name="Segments">Each named person's stretches, in the order they start.</param>
/// <param name="NamedBoxes">Face boxes given a person's name, over all frames.</param>
/// <param name="UnknownBoxes">Face boxes left unknown, over all frames.</param>
/// <param name="UnknownFaces">Faces (tracks, followed from frame to frame) that were never named.</param>
/// <param name="Warning">Why the video could not be read to its end (the results before the damage are kept); null
/// (written) when it was read whole.</param>
public sealed record VideoJobResult(
    int Frames,
    int Width,
    int Height,
    double FrameRate,
    int Every,
    IReadOnlyList<VideoSegment> Segments,
    int NamedBoxes,
    int UnknownBoxes,
    int UnknownFaces,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Warning);
