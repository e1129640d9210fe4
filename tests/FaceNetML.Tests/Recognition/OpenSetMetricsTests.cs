using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

[TestClass]
public sealed class OpenSetMetricsTests
{
    // 4 mate searches (3 with the right rank-1) and 5 non-mate searches.
    private static readonly OpenSetSearch[] Searches =
    [
        new(0.9f, true, true), new(0.8f, true, true), new(0.4f, true, true), new(0.95f, true, false),
        new(0.85f, false, false), new(0.5f, false, false), new(0.3f, false, false), new(0.2f, false, false), new(0.1f, false, false),
    ];

    [TestMethod]
    public void Rank1_DirAndFpir_FollowTheDefinitions()
    {
        var m = new OpenSetMetrics(Searches);
        Assert.AreEqual(4, m.MateSearches);
        Assert.AreEqual(5, m.NonMateSearches);
        Assert.AreEqual(0.75, m.Rank1, 1e-12);
        // At 0.5: non-mates 0.85 and 0.5 pass (2/5); mates with the right person and score >= 0.5: 0.9, 0.8 (2/4).
        Assert.AreEqual(0.4, m.FpirAt(0.5f), 1e-12);
        Assert.AreEqual(0.5, m.DirAt(0.5f), 1e-12);
        // A wrong rank-1 never counts for DIR, however confident.
        Assert.AreEqual(0.0, m.DirAt(0.92f), 1e-12);
    }

    [TestMethod]
    public void ThresholdAt_IsTheLowestThresholdWithinTheTargetFpir()
    {
        var m = new OpenSetMetrics(Searches);
        // FPIR 0: above the highest non-mate score 0.85, so only the 0.9 mate is found.
        float t0 = m.ThresholdAt(0);
        Assert.IsGreaterThan(0.85f, t0);
        Assert.AreEqual(0.0, m.FpirAt(t0));
        Assert.AreEqual(0.25, m.DirAtFpir(0), 1e-12);
        // FPIR 20% allows one of five non-mates: the threshold sits just above 0.5.
        float t20 = m.ThresholdAt(0.2);
        Assert.AreEqual(0.2, m.FpirAt(t20), 1e-12);
        Assert.IsGreaterThan(0.5f, t20);
        Assert.AreEqual(0.5, m.DirAtFpir(0.2), 1e-12);
        // FPIR 100%: everybody passes.
        Assert.AreEqual(0.75, m.DirAtFpir(1), 1e-12);
    }

    [TestMethod]
    public void Det_FnirFallsAsFpirRises()
    {
        var det = new OpenSetMetrics(Searches).Det();
        Assert.HasCount(5, det);
        for (int i = 1; i < det.Count; i++)
        {
            Assert.IsGreaterThanOrEqualTo(det[i - 1].Fpir, det[i].Fpir);
            Assert.IsLessThanOrEqualTo(det[i - 1].Fnir, det[i].Fnir);
        }
    }

    [TestMethod]
    public void NeedsBothKindsOfSearch()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new OpenSetMetrics([new OpenSetSearch(1, true, true)]));
        Assert.ThrowsExactly<ArgumentException>(() => new OpenSetMetrics([new OpenSetSearch(float.NaN, true, true), new OpenSetSearch(0, false, false)]));
    }
}
