using System.Globalization;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.Verification;

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
