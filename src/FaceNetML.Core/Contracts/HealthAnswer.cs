using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>Liveness and load of the server (<c>GET /health</c>).</summary>
/// <param name="Status">"ok" while the server answers.</param>
/// <param name="Model">The embedding model's name.</param>
/// <param name="People">The number of enrolled people.</param>
/// <param name="Slots">Requests that may run inference at once.</param>
/// <param name="Busy">Slots in use now.</param>
/// <param name="Waiting">Requests waiting for a slot now.</param>
/// <param name="Gallery">Where the gallery is kept.</param>
/// <param name="DeadStreams">The watched streams that gave up reconnecting (<c>GET /v1/streams</c>); left out when not given.</param>
public sealed record HealthAnswer(string Status, string Model, int People, int Slots, int Busy, int Waiting, GallerySummary Gallery,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? DeadStreams = null);
