using FaceNetML.Recognition;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.Recognition;

/// <summary>One simulated or real 1:N search: its evidence, whether the probe's person is enrolled (mate), and whether
/// the candidate is that person (correct; always false for non-mates).</summary>
public sealed record IdentificationTrial(IdentificationEvidence Evidence, bool Mate, bool Correct);

/// <summary>
/// Learns an <see cref="IdentificationRule"/> from trials: ML.NET's L-BFGS logistic regression on the standardised
/// <see cref="IdentificationEvidence"/> features, label = the candidate is the right person; its Platt calibration is
/// folded into the weights, so the rule's confidence is ML.NET's probability. Then, from the same trials, the quality
/// limits and thresholds (<see cref="IdentificationQualityLimits"/>): the smallest face size and sharpness worth
/// identifying, and per face-size bin the lowest confidence whose false-positive identification rate on that bin's
/// non-mates stays within the target.
/// </summary>
public static class IdentificationRuleTrainer
{
    private const int FeatureCount = 16;

    public static IdentificationRule Fit(MLContext mlContext, IReadOnlyList<IdentificationTrial> trials, string model, int maxFrames,
        double targetFpir = 0.01, string? trainedOn = null, IReadOnlyDictionary<string, double>? heldOut = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(trials);
        if (IdentificationEvidence.FeatureNames.Count != FeatureCount)
            throw new InvalidOperationException("feature count changed: update FeatureCount");
        if (!trials.Any(t => t.Correct) || trials.All(t => t.Correct))
            throw new ArgumentException("the trials need both correct and wrong or stranger candidates", nameof(trials));
        if (!trials.Any(t => !t.Mate)) throw new ArgumentException("the trials need non-mate (stranger) searches", nameof(trials));

        var raw = trials.Select(t => t.Evidence.Features(maxFrames)).ToList();
        var mean = new float[FeatureCount];
        var scale = new float[FeatureCount];
        for (int j = 0; j < FeatureCount; j++)
        {
            var column = raw.Select(x => x[j]).Where(float.IsFinite).ToList();
            double m = column.Count == 0 ? 0 : column.Average();
            double sd = column.Count < 2 ? 1 : Math.Sqrt(column.Sum(v => (v - m) * (v - m)) / (column.Count - 1));
            mean[j] = (float)m;
            scale[j] = sd > 1e-6 ? (float)sd : 1;
        }
        var rows = raw.Select((x, i) => new Row
        {
            Label = trials[i].Correct,
            Features = x.Select((v, j) => float.IsFinite(v) ? (v - mean[j]) / scale[j] : 0f).ToArray(),
        });
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var fitted = mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(Row.Label), nameof(Row.Features)).Fit(data);
        var linear = fitted.Model.SubModel;
        var platt = fitted.Model.Calibrator;
        // ML.NET: p = 1 / (1 + exp(slope * (w.x + b) + offset))  =>  log-odds = -slope * (w.x + b) - offset.
        var weights = linear.Weights.Select(w => (float)(-platt.Slope * w)).ToArray();
        float bias = (float)(-platt.Slope * linear.Bias - platt.Offset);

        var provisional = new IdentificationRule(model, IdentificationEvidence.FeatureNames, mean, scale, weights, bias, 0.5f, maxFrames);
        var limits = IdentificationQualityLimits.Learn(trials, provisional.Confidence, targetFpir);
        return new IdentificationRule(model, IdentificationEvidence.FeatureNames, mean, scale, weights, bias, limits.Threshold, maxFrames,
            calibrated: true, targetFpir: targetFpir, trainedOn: trainedOn, heldOut: heldOut, minFaceSize: limits.MinFaceSize,
            minSharpness: limits.MinSharpness, sizeBinEdges: limits.SizeBinEdges, sizeBinThresholds: limits.SizeBinThresholds,
            longTrackFrames: limits.LongTrackFrames, trackMinFaceSize: limits.TrackMinFaceSize, trackSizeBinThresholds: limits.TrackSizeBinThresholds);
    }

    /// <summary>The same rule with held-out figures attached.</summary>
    public static IdentificationRule WithHeldOut(IdentificationRule rule, IReadOnlyDictionary<string, double> heldOut) =>
        new(rule.Model, rule.Features, rule.Mean, rule.Scale, rule.Weights, rule.Bias, rule.Threshold, rule.MaxFrames,
            rule.Calibrated, rule.TargetFpir, rule.TrainedOn, heldOut, rule.MinFaceSize, rule.MinSharpness, rule.SizeBinEdges, rule.SizeBinThresholds,
            rule.LongTrackFrames, rule.TrackMinFaceSize, rule.TrackSizeBinThresholds);

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }
}
