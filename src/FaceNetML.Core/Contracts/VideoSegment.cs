using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>A stretch of a video in which one person is named (gaps up to a second included).</summary>
/// <param name="Person">Who.</param>
/// <param name="Start">Start, seconds from the beginning of the video, to 0.01.</param>
/// <param name="End">End, seconds (the end of the last frame naming them), to 0.01.</param>
/// <param name="BestConfidence">The highest confidence of the person's faces in the stretch, to 4 decimals; null (written)
/// when the identification rule gave none.</param>
/// <param name="BestFace">URL of a JPEG of that face (about 112 px, cut from the frame with a margin); null (written) when
/// none was kept.</param>
public sealed record VideoSegment(
    string Person,
    double Start,
    double End,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] float? BestConfidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BestFace);
