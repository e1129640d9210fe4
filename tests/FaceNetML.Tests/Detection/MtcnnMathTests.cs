using FaceNetML.Detection;

namespace FaceNetML.Tests.Detection;

[TestClass]
public sealed class MtcnnMathTests
{
    private static Candidate Box(float x1, float y1, float x2, float y2, float score, int tag = 0) =>
        new(x1, y1, x2, y2, score) { Tag = tag };

    private static int[] Tags(List<Candidate> boxes) => boxes.Select(b => b.Tag).ToArray();

    [TestMethod]
    public void NmsUnion_DropsOverlapAboveThreshold_KeepsBestFirst()
    {
        // B overlaps A with IoU 81/119 = 0.68; C is disjoint.
        var boxes = new List<Candidate>
        {
            Box(1, 1, 11, 11, 0.8f, tag: 1),
            Box(20, 20, 30, 30, 0.7f, tag: 2),
            Box(0, 0, 10, 10, 0.9f, tag: 0),
        };
        CollectionAssert.AreEqual(new[] { 0, 2 }, Tags(MtcnnMath.Nms(boxes, 0.5f, NmsMethod.Union)));
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, Tags(MtcnnMath.Nms(boxes, 0.7f, NmsMethod.Union)));
    }

    [TestMethod]
    public void NmsMin_RemovesBoxNestedInAnother()
    {
        // The small box lies inside the big one: IoU 16/100 but intersection over the smaller area is 1.
        var boxes = new List<Candidate> { Box(0, 0, 10, 10, 0.6f, tag: 0), Box(2, 2, 6, 6, 0.9f, tag: 1) };
        CollectionAssert.AreEqual(new[] { 1, 0 }, Tags(MtcnnMath.Nms(boxes, 0.7f, NmsMethod.Union)));
        CollectionAssert.AreEqual(new[] { 1 }, Tags(MtcnnMath.Nms(boxes, 0.7f, NmsMethod.Min)));
    }

    [TestMethod]
    public void Nms_OverlapEqualToThresholdIsKept_TiesKeepInputOrder()
    {
        // IoU of [0,10) and [5,15) x [0,10) = 50 / 150 = 1/3.
        var boxes = new List<Candidate> { Box(0, 0, 10, 10, 0.5f, tag: 0), Box(5, 0, 15, 10, 0.5f, tag: 1) };
        Assert.AreEqual(1f / 3f, MtcnnMath.Overlap(boxes[0], boxes[1], NmsMethod.Union), 1e-6f);
        CollectionAssert.AreEqual(new[] { 0, 1 }, Tags(MtcnnMath.Nms(boxes, 1f / 3f, NmsMethod.Union)));
        CollectionAssert.AreEqual(new[] { 0 }, Tags(MtcnnMath.Nms(boxes, 0.3f, NmsMethod.Union)));
        Assert.AreEqual(0.5f, MtcnnMath.Overlap(boxes[0], boxes[1], NmsMethod.Min), 1e-6f);
    }

    [TestMethod]
    public void Nms_EmptyAndDisjointAndTouching()
    {
        Assert.AreEqual(0, MtcnnMath.Nms([], 0.5f, NmsMethod.Union).Count);
        var touching = new List<Candidate> { Box(0, 0, 10, 10, 0.9f, 0), Box(10, 0, 20, 10, 0.8f, 1) };
        Assert.AreEqual(0f, MtcnnMath.Overlap(touching[0], touching[1], NmsMethod.Min));
        Assert.AreEqual(2, MtcnnMath.Nms(touching, 0f, NmsMethod.Min).Count);
    }

    [TestMethod]
    public void PyramidScales_For250x250_MatchTheOriginal()
    {
        // m = 12/20 = 0.6; min side 150 at the first scale, times 0.709^k while >= 12: k = 0..7.
        var scales = MtcnnMath.PyramidScales(250, 250, 20, 0.709);
        Assert.AreEqual(8, scales.Count);
        for (int k = 0; k < scales.Count; k++)
            Assert.AreEqual(0.6 * Math.Pow(0.709, k), scales[k], 1e-12);
        Assert.IsTrue(250 * scales[^1] >= 12);
        Assert.IsTrue(250 * scales[^1] * 0.709 < 12);
        Assert.AreEqual((150, 150), MtcnnMath.ScaledSize(250, 250, scales[0]));
        Assert.AreEqual((14, 14), MtcnnMath.ScaledSize(250, 250, scales[^1])); // ceil(13.5)
    }

    [TestMethod]
    public void PyramidScales_UseTheShorterSideAndMinFace()
    {
        Assert.AreEqual(0, MtcnnMath.PyramidScales(8, 8, 20, 0.709).Count);
        Assert.AreEqual(0, MtcnnMath.PyramidScales(1000, 19, 20, 0.709).Count);
        Assert.AreEqual(1, MtcnnMath.PyramidScales(1000, 20, 20, 0.709).Count);
        // min face 40 halves the first scale and drops two levels.
        Assert.AreEqual(6, MtcnnMath.PyramidScales(250, 300, 40, 0.709).Count);
        Assert.AreEqual(0.3, MtcnnMath.PyramidScales(250, 300, 40, 0.709)[0], 1e-12);
    }

    [TestMethod]
    public void GenerateWindows_ReadsTransposedMapsAsXThenY()
    {
        // Maps are [outW=3, outH=2, C]: element (a, b) is image cell x = a, y = b.
        const int outW = 3, outH = 2;
        var prob = new float[outW * outH * 2];
        var reg = new float[outW * outH * 4];
        int cell = 2 * outH + 1; // a = 2, b = 1
        prob[cell * 2 + 1] = 0.95f;
        prob[1] = 0.59f; // cell (0, 0): below threshold
        reg[cell * 4] = 0.1f; reg[cell * 4 + 1] = 0.2f; reg[cell * 4 + 2] = 0.3f; reg[cell * 4 + 3] = 0.4f;
        var found = new List<Candidate>();
        MtcnnMath.GenerateWindows(prob, reg, outW, outH, 0.5, 0.25, 0.6f, found);

        Assert.AreEqual(1, found.Count);
        var c = found[0];
        // Receptive field [2a, 2a+12) x [2b, 2b+12) of the level, divided by the level/image ratios.
        Assert.AreEqual(4 / 0.5f, c.X1, 1e-5f);
        Assert.AreEqual(2 / 0.25f, c.Y1, 1e-5f);
        Assert.AreEqual(16 / 0.5f, c.X2, 1e-5f);
        Assert.AreEqual(14 / 0.25f, c.Y2, 1e-5f);
        Assert.AreEqual(0.95f, c.Score);
        Assert.AreEqual((0.1f, 0.2f, 0.3f, 0.4f), (c.Dx1, c.Dy1, c.Dx2, c.Dy2));
    }

    [TestMethod]
    public void GenerateWindows_ThresholdIsInclusive()
    {
        var prob = new float[] { 0.4f, 0.6f };
        var reg = new float[4];
        var found = new List<Candidate>();
        MtcnnMath.GenerateWindows(prob, reg, 1, 1, 1, 1, 0.6f, found);
        Assert.AreEqual(1, found.Count);
    }

    [TestMethod]
    public void Regress_MovesEdgesByFractionsOfWidthAndHeight()
    {
        var c = Box(10, 20, 30, 60, 1f); // 20 wide, 40 high
        c.Dx1 = 0.1f; c.Dy1 = -0.1f; c.Dx2 = 0.5f; c.Dy2 = 0.25f;
        var r = MtcnnMath.Regress(c);
        Assert.AreEqual((12f, 16f, 40f, 70f), (r.X1, r.Y1, r.X2, r.Y2));
        Assert.AreEqual(1f, r.Score);
    }

    [TestMethod]
    public void Square_KeepsCentreAndUsesLongerSide()
    {
        var tall = MtcnnMath.Square(Box(10, 20, 30, 60, 1f));
        Assert.AreEqual((0f, 20f, 40f, 60f), (tall.X1, tall.Y1, tall.X2, tall.Y2));
        var wide = MtcnnMath.Square(Box(0, 0, 10, 4, 1f));
        Assert.AreEqual((0f, -3f, 10f, 7f), (wide.X1, wide.Y1, wide.X2, wide.Y2));
    }

    [TestMethod]
    public void RegressAndSquare_DropsDegenerateBoxes()
    {
        var collapsed = Box(0, 0, 10, 10, 1f);
        collapsed.Dx1 = 0.5f; collapsed.Dx2 = -0.5f; collapsed.Dy1 = 0.5f; collapsed.Dy2 = -0.5f;
        var fine = Box(0, 0, 10, 10, 1f, tag: 7);
        var result = MtcnnMath.RegressAndSquare([collapsed, fine]);
        CollectionAssert.AreEqual(new[] { 7 }, Tags(result));
    }
}
