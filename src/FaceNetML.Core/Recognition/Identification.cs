namespace FaceNetML.Recognition;

/// <summary>
/// The answer of an identification (one face or a track of faces against a <see cref="Gallery"/>).
/// </summary>
/// <param name="Person">The identified person, or null (unknown: a stranger, or not enough evidence).</param>
/// <param name="Confidence">Calibrated probability that <see cref="Nearest"/> is the right person (0..1); the person is
/// named when it reaches the rule's threshold. For the uncalibrated fallback rule see <see cref="IdentificationRule.Calibrated"/>.</param>
/// <param name="Distance">Euclidean distance to the nearest embedding of <see cref="Nearest"/> (for a track: its mean over
/// the track's frames); +inf for an empty gallery.</param>
/// <param name="Nearest">The most likely enrolled person, named or not; null for an empty gallery.</param>
/// <param name="SecondNearest">The runner-up person; null when fewer than two people are enrolled.</param>
/// <param name="SecondDistance">Distance to <see cref="SecondNearest"/> (as <see cref="Distance"/>); +inf when none.</param>
/// <param name="Reason">Why the face is unknown, in one line ("too small: 19 px (needs 22)", "too soft: ...",
/// "not confident: 0.41 &lt; 0.82"); null when a person is named or there was nothing to decide (an empty gallery).</param>
public readonly record struct Identification(string? Person, float Confidence, float Distance, string? Nearest, string? SecondNearest, float SecondDistance,
    string? Reason = null)
{
    public bool IsKnown => Person is not null;

    /// <summary>Unknown because the face was too small or too soft to identify (<see cref="IdentificationRule.QualityProblem"/>),
    /// whatever its distances.</summary>
    public bool UnknownForQuality => Person is null && Reason?.StartsWith(IdentificationRule.QualityReasonPrefix, StringComparison.Ordinal) == true;

    /// <summary>The answer for an empty gallery.</summary>
    public static Identification Nobody { get; } = new(null, 0, float.PositiveInfinity, null, null, float.PositiveInfinity);
}
