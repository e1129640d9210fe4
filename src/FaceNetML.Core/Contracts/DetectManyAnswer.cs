namespace FaceNetML.Contracts;

/// <summary>The faces of several images (<c>facenetml detect --json</c> with more than one image; one image answers
/// with a <see cref="DetectAnswer"/>).</summary>
/// <param name="Results">One row per image, in the order given.</param>
public sealed record DetectManyAnswer(IReadOnlyList<DetectRow> Results);
