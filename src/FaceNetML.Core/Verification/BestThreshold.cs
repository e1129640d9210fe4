namespace FaceNetML.Verification;

/// <summary>
/// Threshold selection and accuracy for distance-based verification: a pair is predicted "same person"
/// when <c>distance &lt; threshold</c> (smaller distance = more similar).
/// </summary>
public static class BestThreshold
{
    /// <summary>
    /// The threshold of maximum accuracy over all given pairs, found by an exact O(n log n) sweep: the
    /// candidates are the smallest distance (nobody "same"), the midpoints between consecutive distinct sorted
    /// distances, and the next float above the largest distance (everybody "same"). When several thresholds
    /// tie, the midpoint of the lowest interval of thresholds reaching the maximum is returned.
    /// </summary>
    /// <exception cref="ArgumentException">No pairs, mismatched lengths or a NaN distance.</exception>
    public static ThresholdAccuracy Find(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same)
    {
        var sweep = ThresholdSweep.Build(SortedScores.Create(distances, same));
        var (t, correct) = sweep.Best();
        return new ThresholdAccuracy(t, (double)correct / sweep.Pairs);
    }

    /// <summary>Fraction of pairs classified correctly by "same when <c>distance &lt; threshold</c>".</summary>
    /// <exception cref="ArgumentException">No pairs or mismatched lengths.</exception>
    public static double Accuracy(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, float threshold)
    {
        if (distances.Length == 0)
            throw new ArgumentException("no pairs to evaluate", nameof(distances));
        if (same.Length != distances.Length)
            throw new ArgumentException($"{same.Length} labels for {distances.Length} distances", nameof(same));
        var correct = 0;
        for (var i = 0; i < distances.Length; i++)
        {
            if (VerificationRule.IsSamePerson(distances[i], threshold) == same[i])
                correct++;
        }
        return (double)correct / distances.Length;
    }
}
