using System.Text.Json.Serialization;
using FaceNetML.Detection;
using FaceNetML.Verification;

namespace FaceNetML.Contracts;

/// <summary>Are two faces the same person? (<c>facenetml verify --json</c>, <c>POST /v1/verify</c>.)</summary>
/// <param name="Same">True when <paramref name="Distance"/> is under <paramref name="Threshold"/>.</param>
/// <param name="Distance">Euclidean distance between the two embeddings, to 4 decimals.</param>
/// <param name="Threshold">The distance under which faces are the same person, to 4 decimals.</param>
/// <param name="Model">The embedding model's name.</param>
/// <param name="Faces">The boxes of the compared faces (the server's answer; left out by the CLI).</param>
public sealed record VerifyAnswer(
    bool Same,
    float Distance,
    float Threshold,
    string Model,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VerifyFaces? Faces)
{
    /// <summary>The verdict on <paramref name="distance"/> (<see cref="VerificationRule.IsSamePerson"/>) with the
    /// numbers rounded as written; the boxes when both faces are given.</summary>
    public static VerifyAnswer Decide(float distance, float threshold, string model, DetectedFace? a = null, DetectedFace? b = null) =>
        new(VerificationRule.IsSamePerson(distance, threshold), Rounding.Round(distance), Rounding.Round(threshold), model,
            a is not null && b is not null ? new VerifyFaces(Rounding.Box(a.Box), Rounding.Box(b.Box)) : null);
}
