using FaceNetML.Recognition;
using System.Drawing;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

[TestClass]
public sealed class VideoEvaluationTests
{
    private static TruthBox T(int f, string p, float x, float y, float w = 10, float h = 10) => new(f, p, new RectangleF(x, y, w, h));

    private static VideoDetection D(int f, string? p, float x, float y, float w = 10, float h = 10) => new(f, p, new RectangleF(x, y, w, h), 0.5f);

    [TestMethod]
    public void Iou_KnownOverlaps()
    {
        Assert.AreEqual(1f, VideoEvaluation.Iou(new RectangleF(0, 0, 10, 10), new RectangleF(0, 0, 10, 10)));
        Assert.AreEqual(0f, VideoEvaluation.Iou(new RectangleF(0, 0, 10, 10), new RectangleF(10, 0, 10, 10)));
        // Half-shifted: intersection 50, union 150.
        Assert.AreEqual(1f / 3, VideoEvaluation.Iou(new RectangleF(0, 0, 10, 10), new RectangleF(5, 0, 10, 10)), 1e-6f);
        Assert.AreEqual(0f, VideoEvaluation.Iou(RectangleF.Empty, RectangleF.Empty));
    }

    [TestMethod]
    public void Evaluate_CountsTruePositivesFalsePositivesAndMisses()
    {
        var truth = new VideoTruth([T(0, "A", 0, 0), T(1, "A", 0, 0), T(2, "A", 0, 0), T(0, "B", 50, 50), T(1, "B", 50, 50)]);
        var predictions = new[]
        {
            D(0, "A", 1, 1),        // TP (IoU 0.68)
            D(0, "B", 0, 0),        // FP: B predicted on A's box; B's truth box in frame 0 stays unmatched -> FN
            D(1, "A", 5, 0),        // IoU 1/3 >= 0.3: TP
            D(1, "A", 0, 0),        // a second A in the same frame: the better one is the TP, this... see below
            D(1, "B", 56, 50),      // IoU 4/16 = 0.25 < 0.3: FP, and B's truth -> FN
            D(2, null, 0, 0),       // unknown: not counted; A's truth in frame 2 -> FN
            D(3, "A", 0, 0),        // no truth in frame 3: FP
        };
        var r = VideoEvaluation.Evaluate(truth, predictions);
        var a = r.PerPerson["A"];
        var b = r.PerPerson["B"];
        // A: frame 0 TP; frame 1 two predictions, one truth: 1 TP + 1 FP; frame 2 FN; frame 3 FP.
        Assert.AreEqual(new DetectionScore(2, 2, 1), a);
        Assert.AreEqual(new DetectionScore(0, 2, 2), b);
        Assert.AreEqual(new DetectionScore(2, 4, 3), r.Overall);
        Assert.AreEqual(2.0 / 6, r.Overall.Precision, 1e-12);
        Assert.AreEqual(2.0 / 5, r.Overall.Recall, 1e-12);
        Assert.AreEqual(2 * (2.0 / 6) * (2.0 / 5) / (2.0 / 6 + 2.0 / 5), r.Overall.F1, 1e-12);
        Assert.AreEqual(0.5, a.Precision, 1e-12);
        Assert.AreEqual(0.0, b.F1);
        Assert.AreEqual(4, r.Frames);
    }

    [TestMethod]
    public void Evaluate_PersonOnlyPredicted_AppearsWithFalsePositives_AndFrameLimitDropsLaterTruth()
    {
        var truth = new VideoTruth([T(0, "A", 0, 0), T(5, "A", 0, 0)]);
        var r = VideoEvaluation.Evaluate(truth, [D(0, "A", 0, 0), D(0, "C", 30, 30), D(5, "A", 0, 0)], frames: 3);
        Assert.AreEqual(new DetectionScore(1, 0, 0), r.PerPerson["A"]);
        Assert.AreEqual(new DetectionScore(0, 1, 0), r.PerPerson["C"]);
        Assert.AreEqual(0.5, r.Overall.Precision, 1e-12);
        Assert.AreEqual(1.0, r.Overall.Recall, 1e-12);
        Assert.AreEqual(3, r.Frames);
    }

    [TestMethod]
    public void Evaluate_Perfect_IsOne_AndEmptyIsZero()
    {
        var truth = new VideoTruth([T(0, "A", 0, 0), T(1, "A", 2, 2)]);
        Assert.AreEqual(1.0, VideoEvaluation.Evaluate(truth, [D(0, "A", 0, 0), D(1, "A", 2, 2)]).Overall.F1);
        var none = VideoEvaluation.Evaluate(truth, []);
        Assert.AreEqual(new DetectionScore(0, 0, 2), none.Overall);
        Assert.AreEqual(0.0, none.Overall.F1);
    }

    [TestMethod]
    public void TruthCsv_LoadsAndRejectsBadLines()
    {
        var dir = TestData.TempDir("truth");
        var good = Path.Combine(dir, "good.csv");
        File.WriteAllText(good, "frame,person,x,y,width,height\n0,Ann,1,2,30,40\n\n3,Bob,5.5,6,7,8\n");
        var truth = VideoTruth.Load(good);
        Assert.AreEqual(2, truth.Count);
        CollectionAssert.AreEqual(new[] { "Ann", "Bob" }, truth.People.ToArray());
        Assert.AreEqual(new RectangleF(5.5f, 6, 7, 8), truth.InFrame(3)[0].Box);
        var bad = Path.Combine(dir, "bad.csv");
        File.WriteAllText(bad, "frame,person,x,y,width,height\n0,Ann,1,2,30\n");
        var e = Assert.ThrowsExactly<BadInputException>(() => VideoTruth.Load(bad));
        StringAssert.Contains(e.Message, "bad.csv:2");
        Assert.HasCount(2, VideoTruth.Load(TestData.DataPath("ytf-dev", "duo_Aaron_Guiel_Agbani_Darego.truth.csv")).People);
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void DetectionsCsv_WritesUnknownAndDistance()
    {
        var dir = TestData.TempDir("detcsv");
        var path = Path.Combine(dir, "d.csv");
        var small = new Identification(null, 0.93f, 1.05f, "Ann", "Bob", 1.2f, "too small: 19 px (needs 22)");
        VideoDetection.WriteCsv(path, [new VideoDetection(4, "Ann", new RectangleF(1, 2, 3.25f, 4), 0.91234f, Identity: new("Ann", 0.97f, 0.91234f, "Ann", null, 2)),
            new VideoDetection(4, null, new RectangleF(0, 0, 5, 5), 1.5f), new VideoDetection(5, null, new RectangleF(0, 0, 19, 19), 1.05f, Identity: small)]);
        var lines = File.ReadAllLines(path);
        Assert.AreEqual("frame,person,x,y,width,height,distance,confidence,reason", lines[0]);
        Assert.AreEqual("4,Ann,1,2,3.2,4,0.9123,0.97,", lines[1].Replace("3.3", "3.2"));
        Assert.AreEqual("4,unknown,0,0,5,5,1.5,,", lines[2]);
        Assert.AreEqual("5,unknown,0,0,19,19,1.05,0.93,too small: 19 px (needs 22)", lines[3]);
        Directory.Delete(dir, true);
    }
}
