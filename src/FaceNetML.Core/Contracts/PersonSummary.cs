namespace FaceNetML.Contracts;

/// <summary>An enrolled person and how many embeddings the gallery holds for them.</summary>
/// <param name="Name">The person's name.</param>
/// <param name="Embeddings">The number of embeddings enrolled.</param>
public sealed record PersonSummary(string Name, int Embeddings);
