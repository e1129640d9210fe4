using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>The body of <c>POST /v1/people/{name}/merge</c>.</summary>
/// <param name="Into">The enrolled person who receives the faces.</param>
public sealed record MergeRequest([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Into);
