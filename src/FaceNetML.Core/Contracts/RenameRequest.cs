using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>The body of <c>POST /v1/people/{name}/rename</c>.</summary>
/// <param name="To">The person's new name (not enrolled yet).</param>
public sealed record RenameRequest([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? To);
