using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>The body of <c>POST /v1/streams</c>.</summary>
/// <param name="Url">What to watch: an rtsp, rtsps, udp, rtp, srt, http or https URL (a file only where the server allows
/// it).</param>
/// <param name="Name">The stream's name: 1-64 letters, digits, '.', '_' or '-', not taken by another stream.</param>
public sealed record StreamRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name);
