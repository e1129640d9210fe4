namespace FaceNetML.Contracts;

/// <summary>Embeddings of images (<c>facenetml embed --json</c>, <c>POST /v1/embed</c>).</summary>
/// <param name="Model">The embedding model's name (the CLI with a saved ML.NET chain: the chain's file).</param>
/// <param name="Results">One row per image, in the order given.</param>
public sealed record EmbedAnswer(string Model, IReadOnlyList<EmbedRow> Results);
