namespace FaceNetML.Verification;

/// <summary>The k-fold protocol for a fusion of two models: per fold, the weight and threshold learned on the other folds.</summary>
/// <param name="Result">Accuracies and thresholds as for one model.</param>
/// <param name="FoldWeights">The first model's weight w chosen for each fold (on the other folds), by ascending fold id.</param>
public sealed record FusionKFoldResult(KFoldResult Result, IReadOnlyList<float> FoldWeights);

/// <summary>
/// Learns the weight of a two-model fusion inside the LFW k-fold protocol, never on a test fold: for each fold k, every
/// weight w of a grid (0.05 .. 0.95) gives fused distances <c>sqrt(w·da² + (1-w)·db²)</c> (see
/// <see cref="Models.ModelFusion"/>); the (w, threshold) pair of highest accuracy on the OTHER folds is kept (ties:
/// the w nearest 0.5) and fold k is scored with it.
/// </summary>
public static class FusionKFold
{
    public static IReadOnlyList<float> Grid { get; } = Enumerable.Range(1, 19).Select(i => i * 0.05f).ToArray();

    public static FusionKFoldResult Evaluate(ReadOnlySpan<float> firstDistances, ReadOnlySpan<float> secondDistances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds)
    {
        if (firstDistances.Length != secondDistances.Length || firstDistances.Length != same.Length || same.Length != folds.Length)
            throw new ArgumentException("distances, labels and folds differ in length");
        var ids = folds.ToArray().Distinct().Order().ToArray();
        if (ids.Length < 2) throw new ArgumentException($"the k-fold protocol needs at least 2 folds, got {ids.Length}", nameof(folds));
        var sweeps = new List<(float W, float[] D, SortedScores Scores)>();
        foreach (var w in Grid)
        {
            var d = Fuse(firstDistances, secondDistances, w);
            sweeps.Add((w, d, SortedScores.Create(d, same, folds)));
        }
        var accuracies = new double[ids.Length];
        var thresholds = new float[ids.Length];
        var weights = new float[ids.Length];
        var sameArr = same.ToArray();
        var foldArr = folds.ToArray();
        for (int k = 0; k < ids.Length; k++)
        {
            int bestCorrect = -1;
            float bestW = 0, bestT = 0;
            float[] bestD = [];
            foreach (var (w, d, scores) in sweeps)
            {
                var (t, correct) = ThresholdSweep.Build(scores, excludeFold: ids[k]).Best();
                if (correct > bestCorrect || (correct == bestCorrect && Math.Abs(w - 0.5f) < Math.Abs(bestW - 0.5f)))
                    (bestCorrect, bestW, bestT, bestD) = (correct, w, t, d);
            }
            int right = 0, total = 0;
            for (int i = 0; i < bestD.Length; i++)
            {
                if (foldArr[i] != ids[k]) continue;
                total++;
                if (VerificationRule.IsSamePerson(bestD[i], bestT) == sameArr[i]) right++;
            }
            accuracies[k] = (double)right / total;
            thresholds[k] = bestT;
            weights[k] = bestW;
        }
        var mean = accuracies.Average();
        var squares = accuracies.Sum(a => (a - mean) * (a - mean));
        return new FusionKFoldResult(
            new KFoldResult(ids, accuracies, thresholds, mean, Math.Sqrt(squares / ids.Length), Math.Sqrt(squares / (ids.Length - 1))),
            weights);
    }

    /// <summary>Fused distances <c>sqrt(w·da² + (1-w)·db²)</c>.</summary>
    public static float[] Fuse(ReadOnlySpan<float> first, ReadOnlySpan<float> second, float w)
    {
        var d = new float[first.Length];
        for (int i = 0; i < d.Length; i++) d[i] = MathF.Sqrt(w * first[i] * first[i] + (1 - w) * second[i] * second[i]);
        return d;
    }
}
