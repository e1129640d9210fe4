using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>A video job (<c>GET /v1/videos/{id}</c>, and each job of <c>GET /v1/videos</c>).</summary>
/// <param name="Id">The job's id (32 hex digits).</param>
/// <param name="Status">"queued", "running", "done", "failed" or "cancelled".</param>
/// <param name="Name">The uploaded file's name, as the client sent it (for people; never part of a path).</param>
/// <param name="Created">When the upload was taken.</param>
/// <param name="Expires">When a finished job and its files are deleted; null (written) while it is queued or running.</param>
/// <param name="Progress">Frames processed so far, of how many, and how fast.</param>
/// <param name="Result">What was found; null (written) until the job is done.</param>
/// <param name="Error">Why the job failed; null (written) unless it failed.</param>
/// <param name="Links">The job's URL and, once it is done, its files'.</param>
public sealed record VideoJobAnswer(
    string Id,
    string Status,
    string Name,
    DateTimeOffset Created,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? Expires,
    VideoJobProgress Progress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] VideoJobResult? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Error,
    VideoJobLinks Links);
