namespace FaceNetML.Contracts;

/// <summary>The server's video jobs (<c>GET /v1/videos</c>), newest first.</summary>
/// <param name="Jobs">Every job the server still keeps: queued, running, and finished ones until they expire.</param>
public sealed record VideoJobsAnswer(IReadOnlyList<VideoJobAnswer> Jobs);
