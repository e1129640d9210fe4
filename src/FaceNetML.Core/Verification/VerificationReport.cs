using System.Globalization;

namespace FaceNetML.Verification;

/// <summary>
/// Face verification results on a set of pairs (see <see cref="VerificationMetrics.Evaluate(ReadOnlySpan{float}, ReadOnlySpan{bool}, ReadOnlySpan{int})"/>).
/// Decisions are "same person when <c>distance &lt; threshold</c>".
/// </summary>
/// <param name="Pairs">Number of pairs evaluated.</param>
/// <param name="SamePairs">Number of same-person pairs among them.</param>
/// <param name="Folds">Number of folds of the k-fold protocol.</param>
/// <param name="Accuracy">Mean k-fold accuracy: each fold scored with the threshold learnt on the other folds (the figure LFW papers report).</param>
/// <param name="AccuracyStd">Population standard deviation (divide by k, as <c>numpy.std</c> in facenet/insightface) of the fold accuracies.</param>
/// <param name="FoldAccuracies">Accuracy of each fold, by ascending fold id.</param>
/// <param name="FoldThresholds">Threshold learnt for each fold on the other folds, by ascending fold id.</param>
/// <param name="Auc">Area under the ROC (= Mann-Whitney statistic).</param>
/// <param name="Eer">Equal error rate (FAR = FRR), interpolated on the ROC.</param>
/// <param name="ValAtFar1e3">TAR at the largest threshold whose FAR ≤ 1e-3 (see <see cref="RocCurve.ValAtFar"/>).</param>
/// <param name="Threshold">Best threshold over all pairs (maximum accuracy; ties: midpoint of the lowest best interval).</param>
/// <param name="ThresholdAccuracy">Accuracy of <paramref name="Threshold"/> on all pairs (optimistic: chosen on the same pairs).</param>
/// <param name="Roc">The full ROC, e.g. for <see cref="RocCurve.WriteCsv(string)"/>.</param>
public sealed record VerificationReport(
    int Pairs,
    int SamePairs,
    int Folds,
    double Accuracy,
    double AccuracyStd,
    IReadOnlyList<double> FoldAccuracies,
    IReadOnlyList<float> FoldThresholds,
    double Auc,
    double Eer,
    double ValAtFar1e3,
    float Threshold,
    double ThresholdAccuracy,
    RocCurve Roc)
{
    /// <summary>A one-line summary, e.g. <c>pairs 6000, 10 folds: accuracy 0.9950 ± 0.0030, AUC 0.9990, EER 0.0060, VAL@FAR=1e-3 0.9800, threshold 1.1200 (0.9953)</c>.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"pairs {Pairs}, {Folds} folds: accuracy {Accuracy:F4} ± {AccuracyStd:F4}, AUC {Auc:F4}, EER {Eer:F4}, " +
        $"VAL@FAR=1e-3 {ValAtFar1e3:F4}, threshold {Threshold:F4} ({ThresholdAccuracy:F4})");
}
