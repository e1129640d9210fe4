namespace FaceNetML.Contracts;

/// <summary>A person removed from the gallery (<c>DELETE /v1/people/{name}</c>).</summary>
/// <param name="Removed">The removed person's name.</param>
public sealed record PersonRemovedAnswer(string Removed);
