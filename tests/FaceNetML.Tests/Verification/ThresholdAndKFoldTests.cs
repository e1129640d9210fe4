using FaceNetML.Verification;

namespace FaceNetML.Tests.Verification;

[TestClass]
public sealed class ThresholdAndKFoldTests
{
    [TestMethod]
    public void Separable_PerfectAccuracyAtTheGapMidpoint()
    {
        float[] d = [0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f];
        bool[] same = [true, true, true, false, false, false];
        int[] folds = [0, 1, 2, 0, 1, 2];

        var best = BestThreshold.Find(d, same);
        Assert.AreEqual(1.0, best.Accuracy);
        Assert.AreEqual(0.45f, best.Threshold, 1e-6f);

        var k = KFoldAccuracy.Evaluate(d, same, folds);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, k.FoldIds.ToArray());
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0 }, k.FoldAccuracies.ToArray());
        Assert.AreEqual(1.0, k.Mean);
        Assert.AreEqual(0.0, k.Std);
        // Fold 0 learns on {0.2, 0.3 | 0.7, 0.8}: midpoint of 0.3 and 0.7.
        Assert.AreEqual(0.5f, k.FoldThresholds[0], 1e-6f);
        // Fold 2 learns on {0.1, 0.2 | 0.6, 0.7}: midpoint of 0.2 and 0.6.
        Assert.AreEqual(0.4f, k.FoldThresholds[2], 1e-6f);
    }

    [TestMethod]
    public void AllEqualDistances_OnlyAllOrNothingDecisions()
    {
        float[] d = [0.5f, 0.5f, 0.5f, 0.5f];

        // 3 same, 1 different: calling everybody "same" is best; the threshold must exceed 0.5.
        var best = BestThreshold.Find(d, [true, true, true, false]);
        Assert.AreEqual(0.75, best.Accuracy);
        Assert.IsTrue(best.Threshold > 0.5f);
        Assert.AreEqual(0.75, BestThreshold.Accuracy(d, [true, true, true, false], best.Threshold));

        // 1 same, 3 different: calling nobody "same" is best; 0.5 itself rejects everybody.
        best = BestThreshold.Find(d, [true, false, false, false]);
        Assert.AreEqual(0.75, best.Accuracy);
        Assert.AreEqual(0.5f, best.Threshold);

        // Balanced: both decisions give 0.5.
        var k = KFoldAccuracy.Evaluate(d, [true, false, true, false], [0, 0, 1, 1]);
        CollectionAssert.AreEqual(new[] { 0.5, 0.5 }, k.FoldAccuracies.ToArray());
        Assert.AreEqual(0.5, k.Mean);
    }

    [TestMethod]
    public void PerFoldThresholdsDifferFromTheGlobalOne()
    {
        // Fold 0 separates at 0.35, fold 1 at 0.85; each fold's threshold comes from the other fold.
        float[] d = [0.1f, 0.2f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f];
        bool[] same = [true, true, false, false, true, true, false, false];
        int[] folds = [0, 0, 0, 0, 1, 1, 1, 1];

        var k = KFoldAccuracy.Evaluate(d, same, folds);
        Assert.AreEqual(0.85f, k.FoldThresholds[0], 1e-6f);
        Assert.AreEqual(0.35f, k.FoldThresholds[1], 1e-6f);
        CollectionAssert.AreEqual(new[] { 0.5, 0.5 }, k.FoldAccuracies.ToArray());

        // Globally 0.35 and 0.85 tie at 6/8; the lowest best interval (0.2, 0.5] wins, midpoint 0.35.
        var best = BestThreshold.Find(d, same);
        Assert.AreEqual(0.75, best.Accuracy);
        Assert.AreEqual(0.35f, best.Threshold, 1e-6f);
    }

    [TestMethod]
    public void Ties_MidpointOfTheBestInterval()
    {
        // A same and a different pair tie at 0.4, so accepting or rejecting both scores 5/6:
        // accuracy is flat over (0.2, 0.6], and its midpoint 0.4 is returned.
        float[] d = [0.1f, 0.2f, 0.4f, 0.4f, 0.6f, 0.7f];
        bool[] same = [true, true, true, false, false, false];
        var best = BestThreshold.Find(d, same);
        Assert.AreEqual(5.0 / 6, best.Accuracy, 1e-12);
        Assert.AreEqual(0.4f, best.Threshold, 1e-6f);
    }

    [TestMethod]
    public void PopulationAndSampleStd()
    {
        // Fold 0 learns 0.575 on fold 1 and scores 1; fold 1 learns 0.5 on fold 0 and scores 0.5.
        float[] d = [0.2f, 0.8f, 0.55f, 0.6f];
        bool[] same = [true, false, true, false];
        int[] folds = [0, 0, 1, 1];

        var k = KFoldAccuracy.Evaluate(d, same, folds);
        Assert.AreEqual(0.575f, k.FoldThresholds[0], 1e-6f);
        Assert.AreEqual(0.5f, k.FoldThresholds[1], 1e-6f);
        CollectionAssert.AreEqual(new[] { 1.0, 0.5 }, k.FoldAccuracies.ToArray());
        Assert.AreEqual(0.75, k.Mean);
        Assert.AreEqual(0.25, k.Std, 1e-12);
        Assert.AreEqual(Math.Sqrt(0.125), k.SampleStd, 1e-12);
    }

    [TestMethod]
    public void FoldIds_NeedNotBeContiguous()
    {
        float[] d = [0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f];
        bool[] same = [true, false, true, false, true, false];
        var k = KFoldAccuracy.Evaluate(d, same, [7, 7, 3, 3, 42, 42]);
        CollectionAssert.AreEqual(new[] { 3, 7, 42 }, k.FoldIds.ToArray());
        Assert.AreEqual(1.0, k.Mean);
    }

    [TestMethod]
    public void RandomData_SweepMatchesBruteForce()
    {
        var (d, same, folds) = VerificationTestData.Random(600, seed: 7, folds: 4);

        var best = BestThreshold.Find(d, same);
        Assert.AreEqual(VerificationTestData.BruteBestAccuracy(d, same), best.Accuracy, 1e-12);
        Assert.AreEqual(best.Accuracy, BestThreshold.Accuracy(d, same, best.Threshold), 1e-12);

        var k = KFoldAccuracy.Evaluate(d, same, folds);
        for (var f = 0; f < 4; f++)
        {
            var fold = f;
            var t = k.FoldThresholds[f];
            // The learnt threshold is optimal on the other folds, and the fold's accuracy is counted with it.
            Assert.AreEqual(
                VerificationTestData.BruteBestAccuracy(d, same, i => folds[i] != fold),
                VerificationTestData.Accuracy(d, same, t, i => folds[i] != fold), 1e-12);
            Assert.AreEqual(VerificationTestData.Accuracy(d, same, t, i => folds[i] == fold), k.FoldAccuracies[f], 1e-12);
        }
    }

    [TestMethod]
    public void InvalidInput_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => BestThreshold.Find([], []));
        Assert.ThrowsExactly<ArgumentException>(() => BestThreshold.Find([0.1f, 0.2f], [true]));
        Assert.ThrowsExactly<ArgumentException>(() => BestThreshold.Find([0.1f, float.NaN], [true, false]));
        Assert.ThrowsExactly<ArgumentException>(() => KFoldAccuracy.Evaluate([0.1f, 0.2f], [true, false], [1, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => KFoldAccuracy.Evaluate([0.1f, 0.2f], [true, false], [1]));
    }
}
