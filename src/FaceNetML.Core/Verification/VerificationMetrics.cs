namespace FaceNetML.Verification;

/// <summary>
/// All face verification metrics in one call: the LFW k-fold accuracy, the best global threshold and the ROC
/// figures. Inputs are pair distances (float, smaller = more similar, e.g. Euclidean distance between
/// L2-normalised embeddings in [0, 2]), labels (<c>true</c> = same person) and fold ids.
/// O(n log n + k·n) for n pairs and k folds.
/// </summary>
public static class VerificationMetrics
{
    /// <summary>The FAR at which <see cref="VerificationReport.ValAtFar1e3"/> is measured.</summary>
    public const double Far1e3 = 1e-3;

    /// <summary>Computes the <see cref="VerificationReport"/>.</summary>
    /// <exception cref="ArgumentException">
    /// Mismatched lengths, no pairs, a NaN distance, fewer than two folds, or pairs of only one class.
    /// </exception>
    public static VerificationReport Evaluate(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds)
    {
        var scores = SortedScores.Create(distances, same, folds);
        var kfold = KFoldAccuracy.Evaluate(scores, distances, same, folds);
        var roc = RocCurve.Compute(scores);
        var (threshold, correct) = ThresholdSweep.Build(scores).Best();
        return new VerificationReport(
            Pairs: distances.Length,
            SamePairs: roc.SamePairs,
            Folds: kfold.FoldIds.Count,
            Accuracy: kfold.Mean,
            AccuracyStd: kfold.Std,
            FoldAccuracies: kfold.FoldAccuracies,
            FoldThresholds: kfold.FoldThresholds,
            Auc: roc.Auc,
            Eer: roc.Eer,
            ValAtFar1e3: roc.ValAtFar(Far1e3).Tar,
            Threshold: threshold,
            ThresholdAccuracy: (double)correct / distances.Length,
            Roc: roc);
    }

    /// <summary>
    /// Evaluates LFW pairs: labels and folds come from <paramref name="pairs"/>, <paramref name="distances"/>[i]
    /// is the distance of <paramref name="pairs"/>[i].
    /// </summary>
    /// <exception cref="ArgumentException">As for the span overload.</exception>
    public static VerificationReport Evaluate(IReadOnlyList<LfwPair> pairs, ReadOnlySpan<float> distances)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count != distances.Length)
            throw new ArgumentException($"{distances.Length} distances for {pairs.Count} pairs", nameof(distances));
        var same = new bool[pairs.Count];
        var folds = new int[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            same[i] = pairs[i].Same;
            folds[i] = pairs[i].Fold;
        }
        return Evaluate(distances, same, folds);
    }
}
