namespace FaceNetML.Contracts;

/// <summary>The watched streams (<c>GET /v1/streams</c>).</summary>
/// <param name="Streams">Every stream, in the order they were added.</param>
public sealed record StreamsAnswer(IReadOnlyList<StreamSummary> Streams);
