using FaceNetML.Evaluation;
using FaceNetML.MLNet;
using FaceNetML.Trainers.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.MLNet;

[TestClass]
public sealed class DistanceThresholdTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    private sealed class PairRow
    {
        public float Distance { get; set; }
        public bool Label { get; set; }
        public int Fold { get; set; }
    }

    private sealed class EmbeddingPair
    {
        [VectorType(3)] public float[] A { get; set; } = [];
        [VectorType(3)] public float[] B { get; set; } = [];
    }

    private static List<PairRow> LfwDevRows()
    {
        var e = LfwDevFixture.Evaluation;
        Assert.AreEqual(0, e.PairsSkipped);
        var pairs = LfwDevFixture.Pairs.Pairs;
        return pairs.Select((p, i) => new PairRow { Distance = e.Distances[i], Label = p.Same, Fold = p.Fold }).ToList();
    }

    [TestMethod]
    public void FacePair_GivesEuclideanDistanceAndCosine()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable([new EmbeddingPair { A = [1, 0, 0], B = [0, 1, 0] }]);
        var output = ml.Transforms.FacePair("A", "B").Fit(data).Transform(data);
        Assert.AreEqual(MathF.Sqrt(2), output.GetColumn<float>("Distance").Single(), 1e-6f);
        Assert.AreEqual(0f, output.GetColumn<float>("Score").Single(), 1e-6f);
    }

    [TestMethod]
    public void DistanceThreshold_LearnsBestThreshold_EvaluatesAndSurvivesSaveLoad()
    {
        var rows = LfwDevRows();
        var report = LfwDevFixture.Evaluation.Report;
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.FaceVerification().Trainers.DistanceThreshold().Fit(data);
        Assert.AreEqual(report.Threshold, model.Threshold, "exact sweep = BestThreshold.Find");

        var scored = model.Transform(data);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.AreEqual(report.ThresholdAccuracy, metrics.Accuracy, 1e-12);
        TestContext.WriteLine($"lfw-dev ({rows.Count} pairs): threshold {model.Threshold:R}, accuracy {metrics.Accuracy:F4}, AUC {metrics.AreaUnderRocCurve:F4}, " +
            $"F1 {metrics.F1Score:F4}, precision {metrics.PositivePrecision:F4}, recall {metrics.PositiveRecall:F4}, log-loss {metrics.LogLoss:F4}");

        var dir = TestData.TempDir("threshold-model");
        var path = Path.Combine(dir, "threshold.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(path, out _);
        var again = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        CollectionAssert.AreEqual(scored.GetColumn<bool>("PredictedLabel").ToArray(), again.GetColumn<bool>("PredictedLabel").ToArray());
        CollectionAssert.AreEqual(scored.GetColumn<float>("Probability").ToArray(), again.GetColumn<float>("Probability").ToArray());
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void LfwCrossValidation_MatchesLfwEvaluator()
    {
        var rows = LfwDevRows();
        var report = LfwDevFixture.Evaluation.Report;
        var ml = new MLContext(seed: 1);
        var cv = LfwCrossValidation.Evaluate(ml, ml.Data.LoadFromEnumerable(rows));
        Assert.AreEqual(report.Folds, cv.Folds.Count);
        CollectionAssert.AreEqual(report.FoldThresholds.ToArray(), cv.Folds.Select(f => f.Threshold).ToArray());
        Assert.AreEqual(report.Accuracy, cv.Accuracy, 1e-12, "same k-fold accuracy as facenetml eval lfw");
        Assert.AreEqual(report.AccuracyStd, cv.AccuracyStd, 1e-12);
        Assert.AreEqual(report.ValAtFar1e3, cv.ValAtFar1e3, 1e-12);
        TestContext.WriteLine($"lfw-dev {cv.Folds.Count}-fold via ML.NET: accuracy {cv.Accuracy:F4} ± {cv.AccuracyStd:F4}, VAL@FAR=1e-3 {cv.ValAtFar1e3:F4}; " +
            string.Join("; ", cv.Folds.Select(f => $"fold {f.Fold}: t {f.Threshold:F4} acc {f.Metrics.Accuracy:F4} AUC {f.Metrics.AreaUnderRocCurve:F4} F1 {f.Metrics.F1Score:F4}")));

        var dir = TestData.TempDir("roc");
        cv.WriteRocCsv(Path.Combine(dir, "roc.csv"));
        cv.WriteRocPng(Path.Combine(dir, "roc.png"));
        var png = File.ReadAllBytes(Path.Combine(dir, "roc.png"));
        Assert.IsTrue(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        Assert.IsTrue(File.ReadAllLines(Path.Combine(dir, "roc.csv")).Length > 10);
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void LoadPairs_GivesOneRowPerPair()
    {
        var pairs = LfwDevFixture.Pairs;
        var ml = new MLContext();
        var view = LfwCrossValidation.LoadPairs(ml, pairs);
        Assert.AreEqual(pairs.Count, view.GetColumn<bool>("Label").Count());
    }
}
