namespace FaceNetML.Contracts;

/// <summary>A video taken for processing (<c>POST /v1/videos</c>, 202 with a <c>Location</c> header): poll
/// <c>links.self</c> for its progress and result.</summary>
/// <param name="Id">The job's id (32 hex digits, made by the server).</param>
/// <param name="Status">"queued".</param>
/// <param name="Links">The job's URL; its files' URLs are null until it is done.</param>
public sealed record VideoJobAccepted(string Id, string Status, VideoJobLinks Links);
