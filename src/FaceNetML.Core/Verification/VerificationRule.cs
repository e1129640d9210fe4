namespace FaceNetML.Verification;

/// <summary>The verification decision, written once: two faces are the same person when the Euclidean distance
/// between their L2-normalised embeddings is below the threshold. The threshold sweeps (<see cref="BestThreshold"/>,
/// <see cref="KFoldAccuracy"/>) and <c>facenetml verify</c> use it; the ML.NET <c>DistanceThreshold</c> trainer writes
/// the same comparison into its saved expression, and the distance-only identification rule is its logistic form
/// (confidence 0.5 at the threshold).</summary>
public static class VerificationRule
{
    public static bool IsSamePerson(float distance, float threshold) => distance < threshold;
}
