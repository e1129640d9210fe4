using System.Globalization;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Verification;

[TestClass]
public sealed class RocCurveTests
{
    [TestMethod]
    public void Separable_AucOneEerZeroValOne()
    {
        var roc = RocCurve.Compute([0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f], [true, true, true, false, false, false]);
        Assert.AreEqual(1.0, roc.Auc);
        Assert.AreEqual(0.0, roc.Eer);
        Assert.AreEqual(1.0, roc.ValAtFar(1e-3).Tar);
        Assert.AreEqual(0.0, roc.ValAtFar(1e-3).Far);
        Assert.AreEqual(0.45f, roc.ValAtFar(1e-3).Threshold, 1e-6f);
        Assert.AreEqual(3, roc.SamePairs);
        Assert.AreEqual(3, roc.DifferentPairs);
    }

    [TestMethod]
    public void AllEqualDistances_Chance()
    {
        var roc = RocCurve.Compute([0.5f, 0.5f, 0.5f, 0.5f], [true, false, true, false]);
        Assert.AreEqual(2, roc.Points.Count);
        Assert.AreEqual(new RocPoint(0, 0, 0.5f), roc.Points[0]);
        Assert.AreEqual(1.0, roc.Points[1].Far);
        Assert.AreEqual(1.0, roc.Points[1].Tar);
        Assert.IsTrue(roc.Points[1].Threshold > 0.5f);
        Assert.AreEqual(0.5, roc.Auc);
        Assert.AreEqual(0.5, roc.Eer);
        Assert.AreEqual(0.0, roc.ValAtFar(1e-3).Tar);
    }

    [TestMethod]
    public void HandComputedAucAndEer()
    {
        // Sorted: 0.1 s, 0.3 d, 0.4 s, 0.6 d. Mann-Whitney: 3 of 4 (same, different) pairs ordered right.
        var roc = RocCurve.Compute([0.4f, 0.6f, 0.1f, 0.3f], [true, false, true, false]);
        Assert.AreEqual(0.75, roc.Auc, 1e-12);
        Assert.AreEqual(0.5, roc.Eer, 1e-12);
        Assert.AreEqual(5, roc.Points.Count);
    }

    [TestMethod]
    public void Eer_InterpolatedInsideATiedStep()
    {
        // A same and a different pair tie at 0.5: the ROC step from (0, 0.5) to (0.5, 1) crosses FAR = FRR
        // halfway, at FAR = FRR = 0.25, between thresholds 0.3 and 0.7.
        var roc = RocCurve.Compute([0.1f, 0.5f, 0.5f, 0.9f], [true, true, false, false]);
        Assert.AreEqual(0.25, roc.Eer, 1e-12);
        Assert.AreEqual(0.5f, roc.EerThreshold, 1e-6f);
        Assert.AreEqual(0.875, roc.Auc, 1e-12);
    }

    [TestMethod]
    public void AucEqualsMannWhitneyOnRandomData()
    {
        var (d, same, _) = VerificationTestData.Random(1500, seed: 12345);
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < d.Length; i++)
        {
            if (!same[i])
                continue;
            for (var j = 0; j < d.Length; j++)
            {
                if (same[j])
                    continue;
                pairs++;
                if (d[i] < d[j])
                    wins += 1;
                else if (d[i] == d[j])
                    wins += 0.5;
            }
        }

        var roc = RocCurve.Compute(d, same);
        Assert.AreEqual(wins / pairs, roc.Auc, 1e-12);
        Assert.IsTrue(roc.Auc is > 0.7 and < 0.99, $"AUC {roc.Auc}");
    }

    [TestMethod]
    public void PointsAreMonotoneAndMatchDirectCounts()
    {
        var (d, same, _) = VerificationTestData.Random(800, seed: 3);
        var roc = RocCurve.Compute(d, same);
        int nSame = same.Count(s => s), nDiff = same.Length - nSame;

        Assert.AreEqual(new RocPoint(0, 0, d.Min()), roc.Points[0]);
        Assert.AreEqual(1.0, roc.Points[^1].Far);
        Assert.AreEqual(1.0, roc.Points[^1].Tar);
        Assert.AreEqual(d.Distinct().Count() + 1, roc.Points.Count);
        for (var c = 0; c < roc.Points.Count; c++)
        {
            var p = roc.Points[c];
            var tp = Enumerable.Range(0, d.Length).Count(i => same[i] && d[i] < p.Threshold);
            var fp = Enumerable.Range(0, d.Length).Count(i => !same[i] && d[i] < p.Threshold);
            Assert.AreEqual((double)tp / nSame, p.Tar, 1e-15);
            Assert.AreEqual((double)fp / nDiff, p.Far, 1e-15);
            if (c > 0)
            {
                Assert.IsTrue(p.Threshold > roc.Points[c - 1].Threshold);
                Assert.IsTrue(p.Far >= roc.Points[c - 1].Far && p.Tar >= roc.Points[c - 1].Tar);
            }
        }
        // FAR = FRR at the EER, within the step it was interpolated on.
        Assert.IsTrue(roc.Eer is > 0 and < 0.5);
    }

    [TestMethod]
    public void ValAtFar_LargestThresholdWithFarAtMostTarget()
    {
        // 2000 different-person pairs at 1.000, 1.001, ..., 2.999: FAR 1e-3 allows 2 false accepts.
        var d = new List<float>();
        var same = new List<bool>();
        for (var i = 0; i < 2000; i++)
        {
            d.Add(1f + i / 1000f);
            same.Add(false);
        }
        foreach (var s in new[] { 0.5f, 1.0005f, 1.0015f, 1.0025f })
        {
            for (var k = 0; k < 10; k++)
            {
                d.Add(s);
                same.Add(true);
            }
        }
        var roc = RocCurve.Compute(d.ToArray(), same.ToArray());

        var val = roc.ValAtFar(1e-3);
        Assert.AreEqual(0.75, val.Tar);
        Assert.AreEqual(1e-3, val.Far);
        Assert.IsTrue(val.Threshold > 1.0015f && val.Threshold <= 1.002f, val.Threshold.ToString(CultureInfo.InvariantCulture));

        var strict = roc.ValAtFar(0);
        Assert.AreEqual(0.25, strict.Tar);
        Assert.AreEqual(0.0, strict.Far);
        Assert.AreEqual(0.75f, strict.Threshold, 1e-6f);

        Assert.AreEqual(1.0, roc.ValAtFar(1).Tar);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => roc.ValAtFar(-0.1));
    }

    [TestMethod]
    public void OneClassOnly_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => RocCurve.Compute([0.1f, 0.2f], [true, true]));
        Assert.ThrowsExactly<ArgumentException>(() => RocCurve.Compute([0.1f, 0.2f], [false, false]));
    }

    [TestMethod]
    public void WriteCsv_HeaderAndOneLinePerPoint()
    {
        var roc = RocCurve.Compute([0.25f, 0.5f, 0.75f], [true, false, true]);
        var dir = TestData.TempDir("roc-csv");
        var file = Path.Combine(dir, "roc.csv");
        roc.WriteCsv(file);

        var lines = File.ReadAllLines(file);
        Assert.AreEqual("far,tar,threshold", lines[0]);
        Assert.AreEqual(roc.Points.Count + 1, lines.Length);
        Assert.AreEqual("0,0,0.25", lines[1]);
        Assert.AreEqual("0,0.5,0.375", lines[2]);
        Assert.AreEqual("1,0.5,0.625", lines[3]);
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            Assert.AreEqual(roc.Points[i - 1].Far, double.Parse(f[0], CultureInfo.InvariantCulture));
            Assert.AreEqual(roc.Points[i - 1].Tar, double.Parse(f[1], CultureInfo.InvariantCulture));
            Assert.AreEqual(roc.Points[i - 1].Threshold, float.Parse(f[2], CultureInfo.InvariantCulture));
        }
        Directory.Delete(dir, recursive: true);
    }
}
