using System.Drawing;

namespace FaceNetML.Video;

/// <summary>True/false positives and false negatives of one person (or of everyone), with the derived rates.</summary>
/// <remarks>Precision is 0 when nothing was predicted, recall 0 when nothing was labelled, F1 0 when both are 0.</remarks>
public sealed record DetectionScore(int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static DetectionScore operator +(DetectionScore a, DetectionScore b) =>
        new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.FalseNegatives + b.FalseNegatives);
}

/// <summary>Per-person and overall scores of a video (overall = counts summed over people, i.e. micro-averaged).</summary>
public sealed record VideoEvaluationReport(DetectionScore Overall, IReadOnlyDictionary<string, DetectionScore> PerPerson, int Frames);

/// <summary>
/// Scores recognised faces against per-frame truth (the paper's Table 7 protocol): per frame and person, a prediction
/// labelled P is a true positive when its box overlaps P's truth box in that frame with IoU &gt;= <see cref="DefaultIou"/>,
/// otherwise a false positive; a truth box no prediction matched is a false negative; faces predicted as unknown are
/// not counted. Each truth box matches at most one prediction (the best-overlapping one; further predictions of P in
/// that frame are false positives).
/// </summary>
public static class VideoEvaluation
{
    public const float DefaultIou = 0.3f;

    /// <param name="frames">Frames processed: truth in frames at or after it is ignored (a video that failed part-way
    /// is scored on what was read). Null scores all truth.</param>
    public static VideoEvaluationReport Evaluate(VideoTruth truth, IEnumerable<VideoDetection> predictions, int? frames = null, float minIou = DefaultIou)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predictions);
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal); // person -> [tp, fp, fn]
        int[] Of(string p) => counts.TryGetValue(p, out var c) ? c : counts[p] = new int[3];
        foreach (var person in truth.People) Of(person);

        var byFrame = predictions.Where(p => p.Person is not null && (frames is null || p.Frame < frames))
            .GroupBy(p => p.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var allFrames = byFrame.Keys.Concat(truth.Frames.Where(f => frames is null || f < frames)).Distinct();
        foreach (var frame in allFrames)
        {
            var preds = byFrame.GetValueOrDefault(frame) ?? [];
            var truths = truth.InFrame(frame);
            foreach (var person in preds.Select(p => p.Person!).Concat(truths.Select(t => t.Person)).Distinct(StringComparer.Ordinal))
            {
                var c = Of(person);
                var pBoxes = preds.Where(p => p.Person == person).Select(p => p.Box).ToList();
                var tBoxes = truths.Where(t => t.Person == person).Select(t => t.Box).ToList();
                int tp = MatchGreedy(pBoxes, tBoxes, minIou);
                c[0] += tp;
                c[1] += pBoxes.Count - tp;
                c[2] += tBoxes.Count - tp;
            }
        }
        var per = counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => new DetectionScore(kv.Value[0], kv.Value[1], kv.Value[2]), StringComparer.Ordinal);
        var overall = per.Values.Aggregate(new DetectionScore(0, 0, 0), (a, b) => a + b);
        int n = frames ?? Math.Max(truth.Frames.DefaultIfEmpty(-1).Max(), byFrame.Keys.DefaultIfEmpty(-1).Max()) + 1;
        return new VideoEvaluationReport(overall, per, n);
    }

    /// <summary>Pairs predictions with truth boxes, highest IoU first, each used once; returns the pairs with IoU &gt;= minIou.</summary>
    private static int MatchGreedy(List<RectangleF> predicted, List<RectangleF> truth, float minIou)
    {
        if (predicted.Count == 0 || truth.Count == 0) return 0;
        var pairs = new List<(float Iou, int P, int T)>();
        for (int i = 0; i < predicted.Count; i++)
            for (int j = 0; j < truth.Count; j++)
            {
                float iou = Iou(predicted[i], truth[j]);
                if (iou >= minIou) pairs.Add((iou, i, j));
            }
        pairs.Sort((a, b) => b.Iou.CompareTo(a.Iou));
        var usedP = new bool[predicted.Count];
        var usedT = new bool[truth.Count];
        int matched = 0;
        foreach (var (_, p, t) in pairs)
        {
            if (usedP[p] || usedT[t]) continue;
            usedP[p] = usedT[t] = true;
            matched++;
        }
        return matched;
    }

    /// <summary>Intersection over union of two boxes (0 when either is empty).</summary>
    public static float Iou(RectangleF a, RectangleF b)
    {
        float x1 = MathF.Max(a.Left, b.Left), y1 = MathF.Max(a.Top, b.Top);
        float x2 = MathF.Min(a.Right, b.Right), y2 = MathF.Min(a.Bottom, b.Bottom);
        float inter = MathF.Max(0, x2 - x1) * MathF.Max(0, y2 - y1);
        float union = a.Width * a.Height + b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }
}
