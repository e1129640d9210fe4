namespace FaceNetML.Verification;

/// <summary>
/// One operating point of a verification ROC: with "same when <c>distance &lt; Threshold</c>",
/// <see cref="Far"/> is the fraction of different-person pairs accepted (false accept rate) and
/// <see cref="Tar"/> the fraction of same-person pairs accepted (true accept rate, 1 - FRR).
/// </summary>
public readonly record struct RocPoint(double Far, double Tar, float Threshold);
