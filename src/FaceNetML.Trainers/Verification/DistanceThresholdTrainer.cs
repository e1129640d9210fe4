using System.Globalization;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.Verification;

/// <summary>Entry point: <c>mlContext.FaceVerification().Trainers.DistanceThreshold(...)</c>.</summary>
public static class FaceVerificationCatalogExtensions
{
    public static FaceVerificationCatalog FaceVerification(this MLContext mlContext) => new(mlContext);
}

/// <summary>Face verification as ML.NET binary classification over pair distances.</summary>
public sealed class FaceVerificationCatalog(MLContext mlContext)
{
    public MLContext Context { get; } = mlContext ?? throw new ArgumentNullException(nameof(mlContext));

    public FaceVerificationTrainers Trainers => new(Context);
}

public sealed class FaceVerificationTrainers(MLContext mlContext)
{
    /// <summary>
    /// Learns the distance threshold of maximum accuracy (exact sweep, <see cref="BestThreshold.Find"/>) from a
    /// Boolean label column and a Single distance column (e.g. from <c>FacePair</c>), and a Platt calibration of
    /// the score. The model adds <c>Score</c> (= threshold − distance), <c>PredictedLabel</c> (distance &lt; threshold)
    /// and <c>Probability</c>, ready for <c>mlContext.BinaryClassification.Evaluate</c>.
    /// </summary>
    public DistanceThresholdTrainer DistanceThreshold(string labelColumnName = "Label", string distanceColumnName = "Distance") =>
        new(mlContext, labelColumnName, distanceColumnName);
}

/// <summary>
/// The threshold trainer. The fitted model is a chain of ML.NET's own <c>Expression</c> transforms (the threshold
/// is written into their expressions) and its Platt calibrator, so it saves to and loads from model.zip like any
/// ML.NET model — loading gives back that chain.
/// </summary>
public sealed class DistanceThresholdTrainer(MLContext mlContext, string labelColumnName, string distanceColumnName) : IEstimator<DistanceThresholdModel>
{
    public const string ScoreColumn = "Score";
    public const string PredictedLabelColumn = "PredictedLabel";

    public DistanceThresholdModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var distances = input.GetColumn<float>(distanceColumnName).ToArray();
        var labels = input.GetColumn<bool>(labelColumnName).ToArray();
        var keep = Enumerable.Range(0, distances.Length).Where(i => !float.IsNaN(distances[i])).ToArray();
        if (keep.Length == 0) throw new InvalidOperationException("no labelled pairs with a distance to learn a threshold from");
        var best = BestThreshold.Find(keep.Select(i => distances[i]).ToArray(), keep.Select(i => labels[i]).ToArray());
        var scoring = Scoring(best.Threshold);
        var scorer = scoring.Fit(input);
        var scored = mlContext.Data.FilterRowsByMissingValues(scorer.Transform(input), ScoreColumn);
        var calibrator = mlContext.BinaryClassification.Calibrators.Platt(labelColumnName, ScoreColumn).Fit(scored);
        return new DistanceThresholdModel(best.Threshold, best.Accuracy, scorer.Append(calibrator));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        Scoring(1f).Append(mlContext.BinaryClassification.Calibrators.Platt(labelColumnName, ScoreColumn)).GetOutputSchema(inputSchema);

    private IEstimator<ITransformer> Scoring(float threshold)
    {
        var t = Literal(threshold);
        return mlContext.Transforms.Expression(ScoreColumn, $"d => {t} - d", distanceColumnName)
            .Append(mlContext.Transforms.Expression(PredictedLabelColumn, $"d => d < {t}", distanceColumnName));
    }

    /// <summary>The threshold as an expression literal that reads back to the same float.</summary>
    internal static string Literal(float value)
    {
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E')) s = ((decimal)value).ToString(CultureInfo.InvariantCulture);
        if (!s.Contains('.')) s += ".0";
        return s;
    }
}

/// <summary>
/// A fitted <see cref="DistanceThresholdTrainer"/>: the learnt <see cref="Threshold"/>, its accuracy on the training
/// pairs, and the ML.NET chain that scores (saved as that chain).
/// </summary>
public sealed class DistanceThresholdModel(float threshold, double trainingAccuracy, ITransformer chain) : ChainedModel(chain)
{
    public float Threshold { get; } = threshold;
    public double TrainingAccuracy { get; } = trainingAccuracy;
}
