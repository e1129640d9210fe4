namespace FaceNetML.Verification;

/// <summary>
/// The standard LFW verification protocol: k-fold cross-validation of the decision threshold.
/// </summary>
public static class KFoldAccuracy
{
    /// <summary>
    /// For each fold k, chooses the threshold of maximum accuracy on all OTHER folds (exact sweep, see
    /// <see cref="BestThreshold.Find"/>) and measures the accuracy of "same when <c>distance &lt; threshold</c>"
    /// on fold k. Reports per-fold accuracies and thresholds, their mean and standard deviations.
    /// Fold ids may be any integers (LFW: 0..9); at least two distinct ids are needed.
    /// Runs in O(n log n + k·n).
    /// </summary>
    /// <param name="distances">Pair distances, smaller = more similar.</param>
    /// <param name="same">Labels, <c>true</c> = same person.</param>
    /// <param name="folds">Fold id of each pair.</param>
    /// <exception cref="ArgumentException">Mismatched lengths, no pairs, a NaN distance or fewer than two folds.</exception>
    public static KFoldResult Evaluate(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds)
    {
        var scores = SortedScores.Create(distances, same, folds);
        return Evaluate(scores, distances, same, folds);
    }

    internal static KFoldResult Evaluate(SortedScores scores, ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds)
    {
        var ids = scores.Folds!.Distinct().Order().ToArray();
        if (ids.Length < 2)
            throw new ArgumentException($"the k-fold protocol needs at least 2 folds, got {ids.Length}", nameof(folds));

        var index = new Dictionary<int, int>(ids.Length);
        for (var k = 0; k < ids.Length; k++)
            index[ids[k]] = k;

        var thresholds = new float[ids.Length];
        for (var k = 0; k < ids.Length; k++)
            thresholds[k] = ThresholdSweep.Build(scores, excludeFold: ids[k]).Best().Threshold;

        var correct = new int[ids.Length];
        var total = new int[ids.Length];
        for (var i = 0; i < distances.Length; i++)
        {
            var k = index[folds[i]];
            total[k]++;
            if (VerificationRule.IsSamePerson(distances[i], thresholds[k]) == same[i])
                correct[k]++;
        }

        var accuracies = new double[ids.Length];
        for (var k = 0; k < ids.Length; k++)
            accuracies[k] = (double)correct[k] / total[k];

        var mean = accuracies.Average();
        var squares = accuracies.Sum(a => (a - mean) * (a - mean));
        return new KFoldResult(
            ids,
            accuracies,
            thresholds,
            mean,
            Math.Sqrt(squares / ids.Length),
            Math.Sqrt(squares / (ids.Length - 1)));
    }
}
