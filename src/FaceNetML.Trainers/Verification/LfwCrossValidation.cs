using FaceNetML.Trainers.Plots;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.Verification;

/// <summary>One row of an LFW pairs file as ML.NET data.</summary>
public sealed class LfwPairRow
{
    public string PathA { get; set; } = "";
    public string PathB { get; set; } = "";
    public bool Label { get; set; }
    public int Fold { get; set; }
}

/// <summary>One fold of <see cref="LfwCrossValidation.Evaluate"/>: the threshold learnt on the other folds and ML.NET's metrics on this one.</summary>
public sealed record LfwFoldMetrics(int Fold, float Threshold, CalibratedBinaryClassificationMetrics Metrics);

/// <summary>The k-fold LFW protocol through ML.NET: per-fold metrics, mean and std accuracy, VAL@FAR=1e-3 and the ROC.</summary>
public sealed record LfwCrossValidationReport(IReadOnlyList<LfwFoldMetrics> Folds, double Accuracy, double AccuracyStd, double ValAtFar1e3, RocCurve Roc)
{
    public void WriteRocCsv(string path) => Roc.WriteCsv(path);

    public void WriteRocPng(string path, int size = 600) => RocPlot.WritePng(Roc, path, size);
}

/// <summary>LFW pairs as an <see cref="IDataView"/> and the k-fold evaluation with <see cref="DistanceThresholdTrainer"/>.</summary>
public static class LfwCrossValidation
{
    /// <summary>pairs.txt + image folder as rows <c>PathA, PathB, Label, Fold</c>.</summary>
    public static IDataView LoadPairs(MLContext mlContext, LfwPairs pairs) =>
        mlContext.Data.LoadFromEnumerable(pairs.Pairs.Select(p => new LfwPairRow { PathA = p.PathA, PathB = p.PathB, Label = p.Same, Fold = p.Fold }).ToList());

    /// <summary>
    /// For each fold: trains <see cref="DistanceThresholdTrainer"/> on the other folds and evaluates it with
    /// <c>BinaryClassification.Evaluate</c> on this fold. Accuracy and std (population, as numpy) are over folds, as
    /// <see cref="VerificationMetrics"/> computes them; VAL@FAR=1e-3 and the ROC use all pairs.
    /// </summary>
    public static LfwCrossValidationReport Evaluate(MLContext mlContext, IDataView data, string labelColumnName = "Label",
        string distanceColumnName = "Distance", string foldColumnName = "Fold")
    {
        var distances = data.GetColumn<float>(distanceColumnName).ToArray();
        var labels = data.GetColumn<bool>(labelColumnName).ToArray();
        var folds = data.GetColumn<int>(foldColumnName).ToArray();
        var rows = Enumerable.Range(0, distances.Length).Where(i => !float.IsNaN(distances[i]))
            .Select(i => new DistanceRow { Distance = distances[i], Label = labels[i], Fold = folds[i] }).ToList();
        var trainer = mlContext.FaceVerification().Trainers.DistanceThreshold(nameof(DistanceRow.Label), nameof(DistanceRow.Distance));
        var results = new List<LfwFoldMetrics>();
        foreach (var fold in rows.Select(r => r.Fold).Distinct().Order())
        {
            var train = mlContext.Data.LoadFromEnumerable(rows.Where(r => r.Fold != fold).ToList());
            var test = mlContext.Data.LoadFromEnumerable(rows.Where(r => r.Fold == fold).ToList());
            var model = trainer.Fit(train);
            var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(test), nameof(DistanceRow.Label));
            results.Add(new LfwFoldMetrics(fold, model.Threshold, metrics));
        }
        var acc = results.Select(r => r.Metrics.Accuracy).ToArray();
        double mean = acc.Average();
        double std = Math.Sqrt(acc.Select(a => (a - mean) * (a - mean)).Average());
        var roc = RocCurve.Compute(rows.Select(r => r.Distance).ToArray(), rows.Select(r => r.Label).ToArray());
        return new LfwCrossValidationReport(results, mean, std, roc.ValAtFar(VerificationMetrics.Far1e3).Tar, roc);
    }

    private sealed class DistanceRow
    {
        public float Distance { get; set; }
        public bool Label { get; set; }
        public int Fold { get; set; }
    }
}
