using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceNetML.Recognition;

/// <summary>
/// The open-set identification rule: a logistic model over the <see cref="IdentificationEvidence"/> features
/// (standardised with the calibration data's mean and spread) gives the calibrated probability that the candidate is
/// the right person; the candidate is named when that probability reaches <see cref="Threshold"/>, which was chosen
/// on the calibration trials for a target false-positive identification rate (strangers named). Weights, standardisation
/// and threshold are learnt (<c>facenetml identify-rule train</c>, or the ML.NET trainer), never set by hand; they are
/// saved with the gallery. Built-in rules ship for the built-in models (<see cref="BuiltIn"/>).
/// </summary>
/// <remarks>
/// Quality decides too, from the same calibration: faces smaller than <see cref="MinFaceSize"/> or softer than
/// <see cref="MinSharpness"/> are unknown with a reason (the calibration found that no threshold names enough of them
/// correctly while holding the target rate of strangers named), and each face-size bin (<see cref="SizeBinEdges"/>) has
/// its own threshold (<see cref="SizeBinThresholds"/>), chosen so that each bin holds the target rate on its own.
/// Tracks of at least <see cref="LongTrackFrames"/> faces have limits and thresholds of their own
/// (<see cref="TrackMinFaceSize"/>, <see cref="TrackSizeBinThresholds"/>): a long track that keeps naming one person is
/// evidence that a single small face is not.
/// </remarks>
public sealed class IdentificationRule
{
    public const string FormatName = "facenetml-identification-rule/2";

    /// <summary>The format before quality limits, size bins and track features (its rules can no longer be applied).</summary>
    public const string FormatV1 = "facenetml-identification-rule/1";

    [JsonConstructor]
    public IdentificationRule(string model, IReadOnlyList<string> features, float[] mean, float[] scale, float[] weights, float bias,
        float threshold, int maxFrames, bool calibrated = true, double targetFpir = double.NaN, string? trainedOn = null,
        IReadOnlyDictionary<string, double>? heldOut = null, float minFaceSize = 0, float minSharpness = float.NegativeInfinity,
        float[]? sizeBinEdges = null, float[]? sizeBinThresholds = null, int longTrackFrames = 0, float trackMinFaceSize = 0,
        float[]? trackSizeBinThresholds = null, float? distanceThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(features);
        int n = IdentificationEvidence.FeatureNames.Count;
        if (!features.SequenceEqual(IdentificationEvidence.FeatureNames))
            throw new ArgumentException($"the rule's features ({string.Join(", ", features)}) are not this version's ({string.Join(", ", IdentificationEvidence.FeatureNames)})");
        if (mean is null || scale is null || weights is null || mean.Length != n || scale.Length != n || weights.Length != n)
            throw new ArgumentException($"the rule needs {n} means, scales and weights");
        if (mean.Concat(weights).Any(v => !float.IsFinite(v)) || scale.Any(s => !(s > 0) || !float.IsFinite(s)) || !float.IsFinite(bias))
            throw new ArgumentException("the rule's means, weights and bias must be finite and its scales positive");
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentException($"the rule's confidence threshold must lie in (0, 1), got {threshold}");
        if (maxFrames < 1) throw new ArgumentException($"maxFrames must be at least 1, got {maxFrames}");
        if (!(minFaceSize >= 0) || float.IsPositiveInfinity(minFaceSize)) throw new ArgumentException($"minFaceSize must be a size >= 0, got {minFaceSize}");
        if (float.IsNaN(minSharpness) || float.IsPositiveInfinity(minSharpness)) throw new ArgumentException($"minSharpness must be a number, got {minSharpness}");
        sizeBinEdges ??= [];
        sizeBinThresholds ??= [];
        if (sizeBinThresholds.Length != (sizeBinEdges.Length == 0 ? 0 : sizeBinEdges.Length + 1))
            throw new ArgumentException($"the rule needs one size-bin threshold more than size-bin edges ({sizeBinEdges.Length} edges, {sizeBinThresholds.Length} thresholds)");
        for (int i = 0; i < sizeBinEdges.Length; i++)
            if (!(sizeBinEdges[i] > 0) || !float.IsFinite(sizeBinEdges[i]) || (i > 0 && !(sizeBinEdges[i] > sizeBinEdges[i - 1])))
                throw new ArgumentException("the rule's size-bin edges must be finite, positive and rising");
        if (sizeBinThresholds.Any(t => !(t > 0 && t < 1)))
            throw new ArgumentException("the rule's size-bin thresholds must lie in (0, 1)");
        trackSizeBinThresholds ??= [];
        if (longTrackFrames < 0) throw new ArgumentException($"longTrackFrames must be >= 0, got {longTrackFrames}");
        if (longTrackFrames > 0 && trackSizeBinThresholds.Length != sizeBinThresholds.Length)
            throw new ArgumentException("the rule needs as many track size-bin thresholds as size-bin thresholds");
        if (trackSizeBinThresholds.Any(t => !(t > 0 && t < 1)))
            throw new ArgumentException("the rule's track size-bin thresholds must lie in (0, 1)");
        if (!(trackMinFaceSize >= 0) || float.IsPositiveInfinity(trackMinFaceSize)) throw new ArgumentException($"trackMinFaceSize must be a size >= 0, got {trackMinFaceSize}");
        if (distanceThreshold is { } dt && (!(dt > 0) || !float.IsFinite(dt))) throw new ArgumentException($"distanceThreshold must be a positive distance, got {dt}");
        Model = model;
        Features = [.. features];
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Bias = bias;
        Threshold = threshold;
        MaxFrames = maxFrames;
        Calibrated = calibrated;
        TargetFpir = targetFpir;
        TrainedOn = trainedOn;
        HeldOut = heldOut;
        MinFaceSize = minFaceSize;
        MinSharpness = minSharpness;
        SizeBinEdges = sizeBinEdges;
        SizeBinThresholds = sizeBinThresholds;
        LongTrackFrames = longTrackFrames;
        TrackMinFaceSize = trackMinFaceSize;
        TrackSizeBinThresholds = trackSizeBinThresholds;
        // Distance-only rules stored before the threshold was kept: the threshold is where their log-odds cross zero.
        DistanceThreshold = distanceThreshold
            ?? (!calibrated && weights[0] < 0 && weights.Skip(1).All(w => w == 0) ? -bias / weights[0] : null);
    }

    public string Format => FormatName;

    /// <summary>The embedding model whose distances the rule was calibrated on.</summary>
    public string Model { get; }
    public IReadOnlyList<string> Features { get; }
    public float[] Mean { get; }
    public float[] Scale { get; }
    public float[] Weights { get; }
    public float Bias { get; }

    /// <summary>Confidence at or above which the candidate is named.</summary>
    public float Threshold { get; }

    /// <summary>Longest probe (frames) seen in calibration; longer tracks count as this long.</summary>
    public int MaxFrames { get; }

    /// <summary>False for the fallback rule (nearest person under the verification threshold), whose confidence is a
    /// monotone score rather than a probability.</summary>
    public bool Calibrated { get; }

    /// <summary>The false-positive identification rate the threshold was chosen for on the calibration trials.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double TargetFpir { get; }

    /// <summary>What the rule was calibrated on (data roots, trial counts, seed).</summary>
    public string? TrainedOn { get; }

    /// <summary>Figures on held-out identities (DIR at FPIR, rank-1, and the old rule's for comparison).</summary>
    public IReadOnlyDictionary<string, double>? HeldOut { get; }

    /// <summary>Faces (a track: its mean face) whose shorter side is below this many pixels are unknown, "too small"
    /// (0: no limit). Learnt: the smallest size from which the calibration trials name enough people correctly.</summary>
    public float MinFaceSize { get; }

    /// <summary>Faces whose <see cref="Imaging.Sharpness"/> is below this are unknown, "too soft" (-inf: no limit).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public float MinSharpness { get; }

    /// <summary>Upper edges (pixels, exclusive) of the face-size bins that have their own threshold; empty: one threshold.</summary>
    public float[] SizeBinEdges { get; }

    /// <summary>The naming threshold of each size bin (one more than <see cref="SizeBinEdges"/>); faces of unknown size use <see cref="Threshold"/>.</summary>
    public float[] SizeBinThresholds { get; }

    /// <summary>The distance-only rule (<see cref="DistanceOnly"/>) names the candidate when its distance is below this,
    /// the same comparison (<see cref="Verification.VerificationRule.IsSamePerson"/>) as verification; null for learnt rules.</summary>
    public float? DistanceThreshold { get; }

    /// <summary>Tracks of at least this many faces use <see cref="TrackMinFaceSize"/> and <see cref="TrackSizeBinThresholds"/>
    /// (0: no separate limits for tracks).</summary>
    public int LongTrackFrames { get; }

    /// <summary>The smallest face (a track: its mean face) identified in a track of <see cref="LongTrackFrames"/> or more faces.</summary>
    public float TrackMinFaceSize { get; }

    /// <summary>The naming threshold of each size bin for tracks of <see cref="LongTrackFrames"/> or more faces.</summary>
    public float[] TrackSizeBinThresholds { get; }

    private bool IsLongTrack(int frames) => LongTrackFrames > 0 && frames >= LongTrackFrames;

    /// <summary>The confidence threshold for evidence of a given face size over a given number of faces (the bin's, else
    /// the overall one).</summary>
    public float ThresholdFor(float faceSize, int frames = 1)
    {
        if (SizeBinEdges.Length == 0 || !float.IsFinite(faceSize)) return Threshold;
        int bin = 0;
        while (bin < SizeBinEdges.Length && faceSize >= SizeBinEdges[bin]) bin++;
        return IsLongTrack(frames) ? TrackSizeBinThresholds[bin] : SizeBinThresholds[bin];
    }

    /// <summary>How every reason of <see cref="QualityProblem"/> begins ("too small: ...", "too soft: ...").</summary>
    public const string QualityReasonPrefix = "too ";

    /// <summary>Why evidence cannot be identified at all, whatever its distances ("too small: 19 px"), or null.</summary>
    public string? QualityProblem(IdentificationEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        float minSize = IsLongTrack(evidence.Frames) ? TrackMinFaceSize : MinFaceSize;
        if (float.IsFinite(evidence.FaceSize) && evidence.FaceSize < minSize)
            return IsLongTrack(evidence.Frames) || LongTrackFrames == 0 || !(TrackMinFaceSize < MinFaceSize)
                ? FormattableString.Invariant($"too small: {evidence.FaceSize:0} px (needs {minSize:0})")
                : FormattableString.Invariant($"too small: {evidence.FaceSize:0} px (needs {MinFaceSize:0}, or {TrackMinFaceSize:0} over {LongTrackFrames} frames)");
        if (float.IsFinite(evidence.Sharpness) && evidence.Sharpness < MinSharpness)
            return FormattableString.Invariant($"too soft: sharpness {evidence.Sharpness:0.00} (needs {MinSharpness:0.00})");
        return null;
    }

    /// <summary>
    /// The decision on some evidence: its confidence, whether the candidate is named, and when not, why ("too small: 19 px",
    /// "too soft: ...", or "not confident: 0.41 &lt; 0.82").
    /// </summary>
    public (float Confidence, bool Named, string? Reason) Decide(IdentificationEvidence evidence)
    {
        float confidence = Confidence(evidence);
        if (QualityProblem(evidence) is { } problem) return (confidence, false, problem);
        if (DistanceThreshold is { } distanceThreshold)
            return Verification.VerificationRule.IsSamePerson(evidence.NearestDistance, distanceThreshold)
                ? (confidence, true, null)
                : (confidence, false, FormattableString.Invariant($"not confident: distance {evidence.NearestDistance:0.000} >= {distanceThreshold:0.000}"));
        float threshold = ThresholdFor(evidence.FaceSize, evidence.Frames);
        return confidence >= threshold
            ? (confidence, true, null)
            : (confidence, false, FormattableString.Invariant($"not confident: {confidence:0.00} < {threshold:0.00}"));
    }

    /// <summary>The rule's score (log-odds) for some evidence; unknown feature values count as the calibration mean.</summary>
    public float LogOdds(IdentificationEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var x = evidence.Features(MaxFrames);
        double z = Bias;
        for (int i = 0; i < x.Length; i++)
            if (float.IsFinite(x[i])) z += Weights[i] * (x[i] - Mean[i]) / Scale[i];
        return (float)z;
    }

    /// <summary>The calibrated probability that the candidate is the right person.</summary>
    public float Confidence(IdentificationEvidence evidence) => (float)(1 / (1 + Math.Exp(-LogOdds(evidence))));

    /// <summary>
    /// The rule that reproduces the verification decision (nearest person at a distance below <paramref name="threshold"/>),
    /// used for models without a calibrated rule. It decides on the distance itself; its confidence is
    /// sigmoid((threshold - distance) / (0.045 threshold)): 0.5 at the threshold.
    /// </summary>
    public static IdentificationRule DistanceOnly(string model, float threshold)
    {
        if (!(threshold > 0) || !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a positive distance");
        int n = IdentificationEvidence.FeatureNames.Count;
        var mean = new float[n];
        var scale = Enumerable.Repeat(1f, n).ToArray();
        var weights = new float[n];
        // A softness of 4.5% of the threshold (0.05 for MobileFaceNet's 1.10) turns the threshold into a steep but finite
        // step on every model's scale.
        float softness = DistanceOnlySoftness * threshold;
        weights[0] = -1 / softness;
        return new IdentificationRule(model, IdentificationEvidence.FeatureNames, mean, scale, weights, threshold / softness, 0.5f, 1,
            calibrated: false, trainedOn: $"none: nearest person under the verification threshold {threshold}", distanceThreshold: threshold);
    }

    private const float DistanceOnlySoftness = 0.05f / 1.10f;

    /// <summary>The rule shipped for a built-in model (<c>Recognition/Rules/&lt;model&gt;.rule.json</c>), or null.</summary>
    public static IdentificationRule? BuiltIn(string model)
    {
        var name = $"FaceNetML.Recognition.Rules.{model}.rule.json";
        using var stream = typeof(IdentificationRule).Assembly.GetManifestResourceStream(name);
        if (stream is null) return null;
        return Parse(new StreamReader(stream).ReadToEnd(), name);
    }

    /// <summary>The built-in rule of the model, else the distance-only rule at its verification threshold.</summary>
    public static IdentificationRule Default(string model, float threshold) => BuiltIn(model) ?? DistanceOnly(model, threshold);

    /// <summary>
    /// The rule stored with a gallery, or — when it is of the older format <see cref="FormatV1"/>, which this version
    /// cannot apply — the model's current default rule, with a one-line note through <paramref name="warn"/>.
    /// </summary>
    /// <exception cref="BadInputException">Not a valid rule of either format.</exception>
    public static IdentificationRule ParseStored(string json, string source, string model, float threshold, Action<string>? warn = null)
    {
        if (IsFormatV1(json))
        {
            var current = Default(model, threshold);
            warn?.Invoke($"{source}: the stored identification rule is of the older format {FormatV1}; using the model's current rule ({(current.Calibrated ? "calibrated" : "distance only")})");
            return current;
        }
        return Parse(json, source);
    }

    private static bool IsFormatV1(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f)
                && f.ValueKind == JsonValueKind.String && f.GetString() == FormatV1;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Save(string path) => File.WriteAllText(path, ToJson() + Environment.NewLine);

    /// <exception cref="BadInputException">Missing file or not a valid rule.</exception>
    public static IdentificationRule Load(string path)
    {
        return Parse(BoundedTextFile.Read(path, "identification rule", 1 << 20), path);
    }

    /// <exception cref="BadInputException">Not a valid rule (names <paramref name="source"/>).</exception>
    public static IdentificationRule Parse(string json, string source)
    {
        try
        {
            using (var doc = JsonDocument.Parse(json))
            {
                string? format = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f)
                    && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                if (format != FormatName)
                    throw new BadInputException(format == FormatV1
                        ? $"{source}: an identification rule of the older format {FormatV1}; train it again with identify-rule train"
                        : $"{source}: not an identification rule (expected \"format\": \"{FormatName}\")");
            }
            return JsonSerializer.Deserialize<IdentificationRule>(json, JsonOptions)
                ?? throw new BadInputException($"{source}: not an identification rule");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new BadInputException($"{source}: not a valid identification rule ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };
}
