using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.ML;

namespace FaceNetML.Trainers.Recognition;

/// <summary>Settings of <see cref="IdentificationCalibration.Run"/>.</summary>
public sealed record IdentificationCalibrationOptions
{
    /// <summary>Identity folders (<c>root/&lt;identity&gt;/*.jpg</c>), e.g. celeba-train and celeba-extra.</summary>
    public IReadOnlyList<string> IdentityRoots { get; init; } = [];
    /// <summary>Folders of unlabeled faces used as strangers, e.g. faces-unlabeled.</summary>
    public IReadOnlyList<string> StrangerRoots { get; init; } = [];
    public int MaxStrangers { get; init; } = 4000;
    public int MaxIdentities { get; init; } = int.MaxValue;
    /// <summary>Share of identities (and strangers) held out for the figures, never used to fit.</summary>
    public double HeldOutFraction { get; init; } = 0.3;
    /// <summary>False-positive identification rate the naming threshold is chosen for.</summary>
    public double TargetFpir { get; init; } = 0.01;
    public OpenSetTrialOptions Trials { get; init; } = new();
    /// <summary>When set: the embedded photos are read from this file if it exists (same model), else written to it.</summary>
    public string? BankCache { get; init; }
}

/// <summary>The fitted rule and its held-out comparison with the old rule (nearest person under the verification threshold).</summary>
public sealed record IdentificationCalibrationReport(
    IdentificationRule Rule, int CalibrationTrials, int HeldOutTrials, OpenSetMetrics RuleMetrics, OpenSetMetrics DistanceMetrics,
    double OldRuleFpir, double OldRuleDir, IReadOnlyList<SizeBinFigures> HeldOutBins, IReadOnlyList<SizeBinFigures> HeldOutTrackBins);

/// <summary>
/// Calibrates the identification rule without leakage: embeds the identity and stranger folders once, splits them by
/// identity into calibration and held-out parts, fits the rule on simulated trials of the calibration part, and
/// measures it on trials of the held-out part against ranking by nearest distance alone.
/// </summary>
public static class IdentificationCalibration
{
    public static IdentificationCalibrationReport Run(FacePipeline pipeline, IdentificationCalibrationOptions options, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IdentityRoots.Count == 0) throw new BadInputException("calibration needs at least one identity folder (--data)");
        FaceBank bank;
        if (options.BankCache is { } cache && File.Exists(cache))
            bank = FaceBank.Load(cache, pipeline.Model.Name);
        else
        {
            bank = FaceBank.Build(pipeline, options.IdentityRoots, options.StrangerRoots, options.MaxStrangers, options.MaxIdentities, options.Trials.Seed, onProgress);
            if (options.BankCache is { } path) bank.Save(path, pipeline.Model.Name);
        }
        var (calibration, heldOut) = bank.Split(options.HeldOutFraction, options.Trials.Seed);
        string model = pipeline.Model.Name;
        float threshold = pipeline.Threshold;
        var fitTrials = OpenSetTrials.Generate(calibration.Identities, calibration.Strangers, model, threshold, options.Trials);
        var testTrials = OpenSetTrials.Generate(heldOut.Identities, heldOut.Strangers, model, threshold, options.Trials with { Seed = options.Trials.Seed + 1 });

        string trainedOn = $"{string.Join(" + ", options.IdentityRoots.Select(Path.GetFileName))} ({calibration.Identities.Count} identities), "
            + $"strangers {string.Join(" + ", options.StrangerRoots.Select(Path.GetFileName))} ({calibration.Strangers.Count}); {fitTrials.Count} trials, seed {options.Trials.Seed}";
        var rule = IdentificationRuleTrainer.Fit(new MLContext(options.Trials.Seed), fitTrials, model, options.Trials.MaxFrames, options.TargetFpir, trainedOn);

        var ruleMetrics = new OpenSetMetrics(testTrials.Select(t => new OpenSetSearch(rule.Confidence(t.Evidence), t.Mate, t.Correct)).ToList());
        var distanceSearches = testTrials.Select(t => new OpenSetSearch(-t.Evidence.NearestDistance, t.Mate, t.Correct)).ToList();
        var distanceMetrics = new OpenSetMetrics(distanceSearches);
        double oldFpir = distanceMetrics.FpirAt(MathF.BitIncrement(-threshold));
        double oldDir = distanceMetrics.DirAt(MathF.BitIncrement(-threshold));
        var heldOutFigures = new Dictionary<string, double>
        {
            ["trials"] = testTrials.Count,
            ["identities"] = heldOut.Identities.Count,
            ["rank1"] = Math.Round(ruleMetrics.Rank1, 4),
            ["dirAtFpir1e-2"] = Math.Round(ruleMetrics.DirAtFpir(0.01), 4),
            ["dirAtFpir1e-3"] = Math.Round(ruleMetrics.DirAtFpir(0.001), 4),
            ["fpirAtThreshold"] = Math.Round(ruleMetrics.FpirAt(rule.Threshold), 4),
            ["dirAtThreshold"] = Math.Round(ruleMetrics.DirAt(rule.Threshold), 4),
            ["distanceOnlyDirAtFpir1e-2"] = Math.Round(distanceMetrics.DirAtFpir(0.01), 4),
            ["distanceOnlyDirAtFpir1e-3"] = Math.Round(distanceMetrics.DirAtFpir(0.001), 4),
            ["oldRuleFpir"] = Math.Round(oldFpir, 4),
            ["oldRuleDir"] = Math.Round(oldDir, 4),
        };
        // Each held-out search decided once; the overall and per-bin figures of the rule's own decisions come from these.
        var decided = testTrials.Select(t =>
        {
            var (confidence, named, _) = rule.Decide(t.Evidence);
            return (t.Evidence.Frames, Search: new DecidedSearch(t.Evidence.FaceSize, confidence, t.Mate, t.Correct, named, rule.QualityProblem(t.Evidence) is not null));
        }).ToList();
        var searches = decided.Select(d => d.Search).ToList();
        var overall = SizeBinFigures.Of("all", searches)!; // the held-out trials hold mates and strangers (OpenSetMetrics above)
        heldOutFigures["fpirAtRule"] = Math.Round(overall.FpirAtRule, 4);
        heldOutFigures["dirAtRule"] = Math.Round(overall.DirAtRule, 4);
        heldOutFigures["wrongNameAtRule"] = Math.Round(overall.WrongNameAtRule, 4);
        var bins = SizeBinFigures.Measure(searches);
        var trackBins = rule.LongTrackFrames > 0 ? SizeBinFigures.Measure(decided.Where(d => d.Frames >= rule.LongTrackFrames).Select(d => d.Search).ToList()) : [];
        foreach (var (prefix, b) in bins.Select(b => ("faces", b)).Concat(trackBins.Select(b => ($"tracks{rule.LongTrackFrames}+Faces", b))))
        {
            string key = prefix + b.Bin + "px.";
            if (b.DirAtFpir1 is { } dir) heldOutFigures[key + "dirAtFpir1e-2"] = Math.Round(dir, 4);
            heldOutFigures[key + "fpirAtRule"] = Math.Round(b.FpirAtRule, 4);
            heldOutFigures[key + "dirAtRule"] = Math.Round(b.DirAtRule, 4);
            heldOutFigures[key + "wrongNameAtRule"] = Math.Round(b.WrongNameAtRule, 4);
            heldOutFigures[key + "unknownForQuality"] = Math.Round(b.UnknownForQuality, 4);
            heldOutFigures[key + "mates"] = b.Mates;
            heldOutFigures[key + "nonMates"] = b.NonMates;
        }
        rule = IdentificationRuleTrainer.WithHeldOut(rule, heldOutFigures);
        return new IdentificationCalibrationReport(rule, fitTrials.Count, testTrials.Count, ruleMetrics, distanceMetrics, oldFpir, oldDir, bins, trackBins);
    }
}
