namespace FaceNetML.Contracts;

/// <summary>Where the server keeps its gallery (<c>GET /health</c>).</summary>
/// <param name="Backend">"memory", "json", "hnsw" or "pgvector".</param>
/// <param name="Location">The gallery's path, its URL without password, or "memory".</param>
/// <param name="Persistent">Whether the gallery outlives the server.</param>
public sealed record GallerySummary(string Backend, string Location, bool Persistent);
