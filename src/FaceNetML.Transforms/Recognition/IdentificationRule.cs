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
public sealed class IdentificationRule
{
    public const string FormatName = "facenetml-identification-rule/1";

    [JsonConstructor]
    public IdentificationRule(string model, IReadOnlyList<string> features, float[] mean, float[] scale, float[] weights, float bias,
        float threshold, int maxFrames, bool calibrated = true, double targetFpir = double.NaN, string? trainedOn = null,
        IReadOnlyDictionary<string, double>? heldOut = null)
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
    /// The rule that reproduces the verification decision (nearest person under <paramref name="threshold"/>), used for
    /// models without a calibrated rule. Its confidence is sigmoid((threshold - distance) / 0.05): 0.5 at the threshold.
    /// </summary>
    public static IdentificationRule DistanceOnly(string model, float threshold)
    {
        if (!(threshold > 0) || !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a positive distance");
        int n = IdentificationEvidence.FeatureNames.Count;
        var mean = new float[n];
        var scale = Enumerable.Repeat(1f, n).ToArray();
        var weights = new float[n];
        // Distances are in [0, 2]; 0.05 turns the threshold into a steep but finite step.
        weights[0] = -1 / DistanceOnlySoftness;
        return new IdentificationRule(model, IdentificationEvidence.FeatureNames, mean, scale, weights, threshold / DistanceOnlySoftness, 0.5f, 1,
            calibrated: false, trainedOn: $"none: nearest person under the verification threshold {threshold}");
    }

    private const float DistanceOnlySoftness = 0.05f;

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
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                    throw new BadInputException($"{source}: not an identification rule (expected \"format\": \"{FormatName}\")");
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
