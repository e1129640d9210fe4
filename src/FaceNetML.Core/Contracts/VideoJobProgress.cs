using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>How far a video job has come.</summary>
/// <param name="Frames">Frames processed.</param>
/// <param name="Total">Frames the video's header announces (or its duration times its frame rate); null (written) when unknown.</param>
/// <param name="Fps">Frames processed per second of work so far, to 0.1.</param>
public sealed record VideoJobProgress(int Frames, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Total, double Fps);
