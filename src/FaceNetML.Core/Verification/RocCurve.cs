using System.Globalization;

namespace FaceNetML.Verification;

/// <summary>
/// The ROC of distance-based verification ("same when <c>distance &lt; threshold</c>") over every threshold
/// that changes a decision, with AUC, EER and VAL@FAR. Built by one O(n log n) sort.
/// </summary>
public sealed class RocCurve
{
    private RocCurve(IReadOnlyList<RocPoint> points, int samePairs, int differentPairs)
    {
        Points = points;
        SamePairs = samePairs;
        DifferentPairs = differentPairs;
        Auc = ComputeAuc(points);
        (Eer, EerThreshold) = ComputeEer(points);
    }

    /// <summary>
    /// The operating points by ascending threshold, from (0, 0) at the smallest distance (nobody accepted)
    /// to (1, 1) just above the largest distance (everybody accepted); one point per candidate threshold of
    /// the exact sweep (ends, and midpoints between consecutive distinct distances). FAR and TAR never decrease.
    /// </summary>
    public IReadOnlyList<RocPoint> Points { get; }

    /// <summary>Number of same-person pairs (positives).</summary>
    public int SamePairs { get; }

    /// <summary>Number of different-person pairs (negatives).</summary>
    public int DifferentPairs { get; }

    /// <summary>
    /// Area under the ROC by the trapezoid rule over <see cref="Points"/>. Because tied distances form one
    /// step, this equals the Mann-Whitney statistic P(d_same &lt; d_different) + ½ P(d_same = d_different).
    /// </summary>
    public double Auc { get; }

    /// <summary>
    /// Equal error rate: the rate where FAR = FRR (= 1 - TAR), linearly interpolated along the ROC segment
    /// on which FAR - FRR changes sign.
    /// </summary>
    public double Eer { get; }

    /// <summary>The threshold at the EER, interpolated like <see cref="Eer"/>.</summary>
    public float EerThreshold { get; }

    /// <summary>Builds the ROC; both same- and different-person pairs are needed.</summary>
    /// <exception cref="ArgumentException">Mismatched lengths, no pairs, a NaN distance, or only one class.</exception>
    public static RocCurve Compute(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same) =>
        Compute(SortedScores.Create(distances, same));

    internal static RocCurve Compute(SortedScores scores)
    {
        var sweep = ThresholdSweep.Build(scores);
        if (sweep.SamePairs == 0 || sweep.DifferentPairs == 0)
        {
            throw new ArgumentException(
                $"a ROC needs both same- and different-person pairs (got {sweep.SamePairs} same, {sweep.DifferentPairs} different)");
        }
        var points = new RocPoint[sweep.Candidates];
        for (var c = 0; c < points.Length; c++)
        {
            points[c] = new RocPoint(
                (double)sweep.CumDifferent[c] / sweep.DifferentPairs,
                (double)sweep.CumSame[c] / sweep.SamePairs,
                sweep.Threshold(c));
        }
        return new RocCurve(points, sweep.SamePairs, sweep.DifferentPairs);
    }

    /// <summary>
    /// VAL@FAR: the operating point at the LARGEST threshold whose FAR ≤ <paramref name="far"/>, i.e. the
    /// highest TAR (validation rate) reachable without accepting more than that fraction of different-person
    /// pairs. No interpolation between points; its <see cref="RocPoint.Tar"/> is the VAL, its
    /// <see cref="RocPoint.Far"/> the FAR actually reached (≤ <paramref name="far"/>). With D different-person
    /// pairs, FAR can only be a multiple of 1/D (FAR 1e-3 needs D ≥ 1000 to allow even one false accept).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="far"/> is negative or NaN.</exception>
    public RocPoint ValAtFar(double far)
    {
        if (!(far >= 0))
            throw new ArgumentOutOfRangeException(nameof(far), far, "FAR must be >= 0");
        // FAR is non-decreasing along Points and Points[0].Far == 0: find the last index with Far <= far.
        int lo = 0, hi = Points.Count - 1;
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (Points[mid].Far <= far)
                lo = mid;
            else
                hi = mid - 1;
        }
        return Points[lo];
    }

    /// <summary>Writes the points as CSV with the header <c>far,tar,threshold</c> (invariant culture, round-trip precision).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("far,tar,threshold");
        foreach (var p in Points)
        {
            writer.Write(p.Far.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(p.Tar.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.WriteLine(p.Threshold.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes the points as CSV to <paramref name="path"/> (created or overwritten); see <see cref="WriteCsv(TextWriter)"/>.</summary>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var writer = new StreamWriter(path);
        WriteCsv(writer);
    }

    private static double ComputeAuc(IReadOnlyList<RocPoint> points)
    {
        var auc = 0.0;
        for (var i = 1; i < points.Count; i++)
            auc += (points[i].Far - points[i - 1].Far) * (points[i].Tar + points[i - 1].Tar) / 2;
        return auc;
    }

    private static (double Eer, float Threshold) ComputeEer(IReadOnlyList<RocPoint> points)
    {
        // g = FAR - FRR = FAR + TAR - 1 rises from -1 at (0, 0) to +1 at (1, 1).
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var a = points[i];
            var b = points[i + 1];
            var ga = a.Far + a.Tar - 1;
            var gb = b.Far + b.Tar - 1;
            if (ga <= 0 && gb >= 0)
            {
                var alpha = gb > ga ? -ga / (gb - ga) : 0;
                var eer = a.Far + alpha * (b.Far - a.Far);
                var threshold = (float)(a.Threshold + alpha * ((double)b.Threshold - a.Threshold));
                return (eer, threshold);
            }
        }
        return (double.NaN, float.NaN); // unreachable for a valid ROC
    }
}
