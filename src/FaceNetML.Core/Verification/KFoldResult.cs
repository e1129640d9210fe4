namespace FaceNetML.Verification;

/// <summary>
/// Result of the LFW k-fold protocol (see <c>KFoldAccuracy.Evaluate</c>). The lists are ordered by
/// ascending fold id.
/// </summary>
/// <param name="FoldIds">The distinct fold ids, ascending.</param>
/// <param name="FoldAccuracies">Accuracy on each fold with the threshold learnt on the other folds.</param>
/// <param name="FoldThresholds">The threshold learnt for each fold (on the other folds).</param>
/// <param name="Mean">Mean of <paramref name="FoldAccuracies"/>.</param>
/// <param name="Std">
/// Population standard deviation (divide by k, like <c>numpy.std</c> as used by facenet and insightface)
/// of <paramref name="FoldAccuracies"/>.
/// </param>
/// <param name="SampleStd">Sample standard deviation (divide by k - 1) of <paramref name="FoldAccuracies"/>.</param>
public sealed record KFoldResult(
    IReadOnlyList<int> FoldIds,
    IReadOnlyList<double> FoldAccuracies,
    IReadOnlyList<float> FoldThresholds,
    double Mean,
    double Std,
    double SampleStd);
