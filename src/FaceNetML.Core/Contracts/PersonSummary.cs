using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>An enrolled person and how many embeddings the gallery holds for them.</summary>
/// <param name="Name">The person's name.</param>
/// <param name="Embeddings">The number of embeddings enrolled.</param>
/// <param name="Thumbnail">URL of the first face's thumbnail, or null when it has none.</param>
public sealed record PersonSummary(string Name, int Embeddings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Thumbnail = null);
