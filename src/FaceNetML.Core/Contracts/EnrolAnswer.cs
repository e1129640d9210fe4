namespace FaceNetML.Contracts;

/// <summary>A person enrolled, or given more photos (<c>POST /v1/people/{name}</c>).</summary>
/// <param name="Name">The person's name.</param>
/// <param name="Embeddings">The person's embeddings in the gallery now.</param>
/// <param name="Added">The embeddings this request added.</param>
/// <param name="Warnings">One line per photo skipped or enrolled with a caveat; empty when none.</param>
public sealed record EnrolAnswer(string Name, int Embeddings, int Added, IReadOnlyList<string> Warnings);
