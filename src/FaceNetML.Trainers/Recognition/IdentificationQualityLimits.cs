using FaceNetML.Recognition;

namespace FaceNetML.Trainers.Recognition;

/// <summary>
/// The quality side of an <see cref="IdentificationRule"/>, learnt from calibration trials: below which face size and
/// sharpness a face is not worth identifying, and the naming threshold of each face-size bin.
/// </summary>
/// <remarks>
/// A size (or sharpness) bin is worth identifying when, at its own threshold for the target false-positive
/// identification rate, the rule names at least <see cref="MinUsefulDir"/> of the enrolled people it is shown: below that,
/// a name is nearly always a guess, and "unknown: too small" is the honest answer. Each threshold is the lowest
/// confidence that names no more than the target share of the bin's strangers (<see cref="ThresholdAtTarget"/>).
/// </remarks>
public sealed record IdentificationQualityLimits(float Threshold, float MinFaceSize, float MinSharpness, float[] SizeBinEdges, float[] SizeBinThresholds,
    int LongTrackFrames, float TrackMinFaceSize, float[] TrackSizeBinThresholds)
{
    /// <summary>Upper edges of the face-size bins that get their own threshold: the report bins (<see cref="SizeBinFigures.Edges"/>).</summary>
    public static IReadOnlyList<float> SizeBins => SizeBinFigures.Edges;

    /// <summary>Finer size bins searched for the smallest useful size.</summary>
    public static IReadOnlyList<float> FineSizeEdges { get; } = [12, 14, 16, 18, 20, 22, 24, 27, 30, 34, 40, 48, 64];

    /// <summary>Tracks of at least this many faces get limits and thresholds of their own.</summary>
    public const int DefaultLongTrackFrames = 8;

    /// <summary>The least share of enrolled people a bin must name correctly at the target rate to be worth identifying.</summary>
    public const double MinUsefulDir = 0.10;

    /// <summary>Fewest non-mate trials for a bin's own threshold (else the overall one) or verdict (else it is not judged).</summary>
    public const int MinNonMates = 150;

    /// <summary>Sharpness bins (quantiles of the trials above the size limit) searched for the softest useful faces.</summary>
    public const int SharpnessBins = 10;

    public static IdentificationQualityLimits Learn(IReadOnlyList<IdentificationTrial> trials, Func<IdentificationEvidence, float> confidence, double targetFpir,
        int longTrackFrames = DefaultLongTrackFrames)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(confidence);
        var scored = trials.Select(t => (Trial: t, Score: confidence(t.Evidence))).ToList();
        float minSize = MinUsefulSize(scored, targetFpir);
        // Long tracks get limits of their own only where the trials show them useful at smaller sizes than probes in general.
        float trackMinSize = MinUsefulSize(scored.Where(s => s.Trial.Evidence.Frames >= longTrackFrames).ToList(), targetFpir);
        if (!(trackMinSize < minSize))
        {
            longTrackFrames = int.MaxValue;
            trackMinSize = minSize;
        }
        scored.RemoveAll(s => s.Trial.Evidence.FaceSize < (s.Trial.Evidence.Frames >= longTrackFrames ? trackMinSize : minSize));

        // Softest useful sharpness: the bottom quantile bins (contiguous from the softest) that name too few people.
        float minSharpness = float.NegativeInfinity;
        var bySharpness = scored.Where(s => float.IsFinite(s.Trial.Evidence.Sharpness)).OrderBy(s => s.Trial.Evidence.Sharpness).ToList();
        if (bySharpness.Count >= SharpnessBins * 2 * MinNonMates)
        {
            int per = bySharpness.Count / SharpnessBins;
            for (int b = 0; b < SharpnessBins - 1; b++)
            {
                var bin = bySharpness.Skip(b * per).Take(per).ToList();
                if (UsefulDir(bin, targetFpir) is not { } dir || dir >= MinUsefulDir) break;
                minSharpness = bySharpness[(b + 1) * per].Trial.Evidence.Sharpness;
            }
        }
        scored.RemoveAll(s => s.Trial.Evidence.Sharpness < minSharpness);

        float overall = ThresholdAtTarget(scored, targetFpir) ?? 1 - 1e-6f;
        float[] BinThresholds(List<(IdentificationTrial Trial, float Score)> group, float fallback)
        {
            var thresholds = new float[SizeBins.Count + 1];
            for (int b = 0; b < thresholds.Length; b++)
            {
                var bin = group.Where(s => SizeBinFigures.In(b, s.Trial.Evidence.FaceSize)).ToList();
                thresholds[b] = bin.Count(s => !s.Trial.Mate) >= MinNonMates ? ThresholdAtTarget(bin, targetFpir) ?? fallback : fallback;
            }
            return thresholds;
        }
        var shortKept = scored.Where(s => s.Trial.Evidence.Frames < longTrackFrames).ToList();
        var longKept = scored.Where(s => s.Trial.Evidence.Frames >= longTrackFrames).ToList();
        return longTrackFrames == int.MaxValue
            ? new IdentificationQualityLimits(overall, minSize, minSharpness, [.. SizeBins], BinThresholds(scored, overall), 0, 0, [])
            : new IdentificationQualityLimits(overall, minSize, minSharpness, [.. SizeBins],
                BinThresholds(shortKept, ThresholdAtTarget(shortKept, targetFpir) ?? overall),
                longTrackFrames, trackMinSize, BinThresholds(longKept, ThresholdAtTarget(longKept, targetFpir) ?? overall));
    }

    /// <summary>
    /// The smallest size from which faces have shown themselves worth identifying: walking down from the largest fine size
    /// bin, bins are merged until they hold enough trials to judge, and the walk stops at the first that names too few
    /// people; sizes below it, or below the last bin with enough trials, are too small. Trials without face sizes (an
    /// embedding alone) give no limit.
    /// </summary>
    private static float MinUsefulSize(List<(IdentificationTrial Trial, float Score)> scored, double targetFpir)
    {
        if (!scored.Any(s => float.IsFinite(s.Trial.Evidence.FaceSize))) return 0;
        float limit = 0; // nothing judged: no evidence for a limit
        bool judged = false;
        var pending = new List<(IdentificationTrial Trial, float Score)>();
        float upper = float.PositiveInfinity;
        for (int i = FineSizeEdges.Count - 1; i >= 0; i--)
        {
            float lo = i == 0 ? 0 : FineSizeEdges[i - 1];
            float hi = FineSizeEdges[i];
            if (i == FineSizeEdges.Count - 1) pending.AddRange(scored.Where(s => s.Trial.Evidence.FaceSize >= hi));
            pending.AddRange(scored.Where(s => s.Trial.Evidence.FaceSize >= lo && s.Trial.Evidence.FaceSize < hi));
            if (UsefulDir(pending, targetFpir) is not { } dir) continue;
            if (dir < MinUsefulDir) return judged ? upper : hi;
            judged = true;
            limit = lo;
            upper = lo;
            pending.Clear();
        }
        return limit;
    }

    /// <summary>
    /// The lowest confidence at which the non-mates of <paramref name="scored"/> are named at most
    /// <c>floor(target·n)</c> times; null without non-mates. (<see cref="OpenSetMetrics.ThresholdAt"/> does the same for a
    /// set that also holds mate searches; a bin may hold none.)
    /// </summary>
    public static float? ThresholdAtTarget(IReadOnlyCollection<(IdentificationTrial Trial, float Score)> scored, double targetFpir)
    {
        var nonMates = scored.Where(s => !s.Trial.Mate).Select(s => s.Score).OrderDescending().ToList();
        if (nonMates.Count == 0) return null;
        int allowed = Math.Max(0, (int)Math.Floor(targetFpir * nonMates.Count));
        float t = allowed >= nonMates.Count ? 1e-6f : MathF.BitIncrement(nonMates[allowed]);
        return Math.Clamp(t, 1e-6f, 1 - 1e-6f);
    }

    /// <summary>DIR of a bin at its own threshold for the target; null when the bin is too thin to judge.</summary>
    private static double? UsefulDir(List<(IdentificationTrial Trial, float Score)> bin, double targetFpir)
    {
        int mates = bin.Count(s => s.Trial.Mate);
        if (mates < MinNonMates / 3 || bin.Count - mates < MinNonMates) return null;
        float t = ThresholdAtTarget(bin, targetFpir)!.Value;
        return (double)bin.Count(s => s.Trial.Mate && s.Trial.Correct && s.Score >= t) / mates;
    }
}
