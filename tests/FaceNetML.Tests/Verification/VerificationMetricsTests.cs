using System.Diagnostics;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Verification;

[TestClass]
public sealed class VerificationMetricsTests
{
    [TestMethod]
    public void Separable_ReportIsPerfect()
    {
        float[] d = [0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f];
        bool[] same = [true, true, true, false, false, false];
        var r = VerificationMetrics.Evaluate(d, same, [0, 1, 2, 0, 1, 2]);

        Assert.AreEqual(6, r.Pairs);
        Assert.AreEqual(3, r.SamePairs);
        Assert.AreEqual(3, r.Folds);
        Assert.AreEqual(1.0, r.Accuracy);
        Assert.AreEqual(0.0, r.AccuracyStd);
        Assert.AreEqual(1.0, r.Auc);
        Assert.AreEqual(0.0, r.Eer);
        Assert.AreEqual(1.0, r.ValAtFar1e3);
        Assert.AreEqual(0.45f, r.Threshold, 1e-6f);
        Assert.AreEqual(1.0, r.ThresholdAccuracy);
        Assert.AreEqual(3, r.FoldAccuracies.Count);
        Assert.AreEqual(3, r.FoldThresholds.Count);
        StringAssert.StartsWith(r.Summary(), "pairs 6, 3 folds: accuracy 1.0000 ± 0.0000, AUC 1.0000, EER 0.0000");
    }

    [TestMethod]
    public void ReportAgreesWithTheSeparateMetrics()
    {
        var (d, same, folds) = VerificationTestData.Random(3000, seed: 99);
        var r = VerificationMetrics.Evaluate(d, same, folds);
        var k = KFoldAccuracy.Evaluate(d, same, folds);
        var roc = RocCurve.Compute(d, same);
        var best = BestThreshold.Find(d, same);

        Assert.AreEqual(10, r.Folds);
        Assert.AreEqual(k.Mean, r.Accuracy);
        Assert.AreEqual(k.Std, r.AccuracyStd);
        CollectionAssert.AreEqual(k.FoldAccuracies.ToArray(), r.FoldAccuracies.ToArray());
        CollectionAssert.AreEqual(k.FoldThresholds.ToArray(), r.FoldThresholds.ToArray());
        Assert.AreEqual(roc.Auc, r.Auc);
        Assert.AreEqual(roc.Eer, r.Eer);
        Assert.AreEqual(roc.ValAtFar(1e-3).Tar, r.ValAtFar1e3);
        Assert.AreEqual(best.Threshold, r.Threshold);
        Assert.AreEqual(best.Accuracy, r.ThresholdAccuracy);
        // Cross-validated accuracy cannot beat the accuracy of the threshold chosen on all pairs.
        Assert.IsTrue(r.Accuracy <= r.ThresholdAccuracy + 1e-12);
    }

    [TestMethod]
    public void LfwDevPairs_WithSyntheticDistances()
    {
        var pairs = LfwPairs.Load(TestData.DataPath("lfw-dev", "pairs.txt"));
        var rng = new Random(5);
        var d = pairs.Pairs.Select(p => (float)((p.Same ? 0.9 : 1.3) + 0.2 * (rng.NextDouble() - 0.5))).ToArray();

        var r = VerificationMetrics.Evaluate(pairs.Pairs, d);

        Assert.AreEqual(3000, r.Pairs);
        Assert.AreEqual(1500, r.SamePairs);
        Assert.AreEqual(5, r.Folds);
        Assert.AreEqual(5, r.FoldAccuracies.Count);
        Assert.IsTrue(r.Accuracy is > 0.9 and <= 1.0, r.Summary());
        Assert.IsTrue(r.Threshold is > 0.9f and < 1.3f, r.Summary());
        Assert.ThrowsExactly<ArgumentException>(() => VerificationMetrics.Evaluate(pairs.Pairs, d.AsSpan(1)));
    }

    [TestMethod]
    public void ManyPairs_IsFast()
    {
        // 1,000,000 pairs: an O(n^2) step would never finish.
        var (d, same, folds) = VerificationTestData.Random(1_000_000, seed: 1, decimals: 6);
        var sw = Stopwatch.StartNew();
        var r = VerificationMetrics.Evaluate(d, same, folds);
        sw.Stop();

        Assert.AreEqual(1_000_000, r.Pairs);
        Assert.IsTrue(r.Auc is > 0.8 and < 0.9, r.Summary());
        Assert.IsTrue(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }
}
