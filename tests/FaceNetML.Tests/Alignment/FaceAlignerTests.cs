using System.Drawing;
using System.Numerics;
using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Tests.Imaging;

namespace FaceNetML.Tests.Alignment;

[TestClass]
public class FaceAlignerTests
{
    [TestMethod]
    public void StandardTemplateScales()
    {
        Assert.AreSame(FaceTemplate.Standard112, FaceTemplate.Standard(112));
        var t = FaceTemplate.Standard(224);
        Assert.AreEqual(224, t.Size);
        Assert.HasCount(5, t.Points);
        for (var i = 0; i < 5; i++)
        {
            Assert.AreEqual(FaceTemplate.Standard112.Points[i].X * 2, t.Points[i].X, 1e-4f);
            Assert.AreEqual(FaceTemplate.Standard112.Points[i].Y * 2, t.Points[i].Y, 1e-4f);
        }
        Assert.AreEqual(38.2946f * 160 / 112, FaceTemplate.Standard(160).Points[0].X, 1e-4f);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FaceTemplate.Standard(0));
    }

    [TestMethod]
    [DataRow(112, 1.3f, 0.35f, 30f, 40f)]
    [DataRow(112, 0.8f, -0.6f, 90f, 20f)]
    [DataRow(160, 1.6f, 0.1f, -20f, 10f)]
    public void LandmarksLandOnTheTemplate(int size, float scale, float radians, float tx, float ty)
    {
        var template = FaceTemplate.Standard(size);
        // Where the template points appear in a 300x300 "photo".
        var templateToImage = Matrix3x2.CreateScale(scale) * Matrix3x2.CreateRotation(radians) * Matrix3x2.CreateTranslation(tx, ty);
        var landmarks = Array.ConvertAll(template.Points, p => SimilarityTransform.Apply(templateToImage, p));

        var image = new RgbImage(300, 300);
        foreach (var p in landmarks)
            DrawDot(image, p, radius: 2.5f * MathF.Max(scale, 1));

        var face = new DetectedFace(new RectangleF(0, 0, 10, 10), 0.99f, landmarks);
        var aligned = new FaceAligner(template).Align(image, face);
        Assert.AreEqual(size, aligned.Width);
        Assert.AreEqual(size, aligned.Height);

        foreach (var expected in template.Points)
        {
            var found = BrightCentroid(aligned, expected, window: 8);
            var distance = MathF.Sqrt((found.X - expected.X) * (found.X - expected.X) + (found.Y - expected.Y) * (found.Y - expected.Y));
            Assert.IsLessThan(0.75f, distance, $"dot expected at {expected}, found at {found}");
        }
    }

    [TestMethod]
    public void BoxCropFallbackWithoutLandmarks()
    {
        var image = AffineWarpTests.Constant(100, 100, 200, 200, 200);
        // Box centred at (0, 50), 40 wide, 30 high, margin 0: square of side 40 -> x in [-20, 20): left half black.
        var aligner = new FaceAligner(FaceTemplate.Standard112, boxMargin: 0f);
        var crop = aligner.Align(image, new DetectedFace(new RectangleF(-20, 35, 40, 30), 0.9f, null));
        Assert.AreEqual(112, crop.Width);
        Assert.AreEqual(112, crop.Height);
        for (var y = 0; y < 112; y++)
        {
            Assert.AreEqual(0, AffineWarpTests.Px(crop, 10, y, 0));
            Assert.AreEqual(200, AffineWarpTests.Px(crop, 100, y, 0));
        }

        // Default margin 0.2: side = max(60, 40) * 1.2 = 72 px centred on the box, onto a 72x72 output (scale 1),
        // so the box centre lands on the output centre.
        var marked = new RgbImage(200, 200);
        DrawDot(marked, new PointF(79.5f, 89.5f), 2); // the box centre, in pixel-centre coordinates
        var face = new DetectedFace(new RectangleF(50, 70, 60, 40), 0.9f, [new PointF(1, 1)]); // wrong landmark count -> box
        var fallback = new FaceAligner(FaceTemplate.Standard(72)).Align(marked, face);
        Assert.AreEqual(72, fallback.Width);
        var centre = BrightCentroid(fallback, new PointF(35.5f, 35.5f), window: 6);
        Assert.AreEqual(35.5f, centre.X, 0.5f);
        Assert.AreEqual(35.5f, centre.Y, 0.5f);
    }

    [TestMethod]
    public void CenterCropTakesMiddleSquare()
    {
        // White square [63, 187) x [63, 187) on black, 250x250: CenterCrop(0.5) covers [62.5, 187.5).
        var image = new RgbImage(250, 250);
        for (var y = 63; y < 187; y++)
        for (var x = 63; x < 187; x++)
            image.Pixels[(y * 250 + x) * 3] = image.Pixels[(y * 250 + x) * 3 + 1] = image.Pixels[(y * 250 + x) * 3 + 2] = 255;
        var crop = new FaceAligner(FaceTemplate.Standard112).CenterCrop(image, 0.5f);
        Assert.AreEqual(112, crop.Width);
        Assert.AreEqual(112, crop.Height);
        for (var y = 2; y < 110; y++)
        for (var x = 2; x < 110; x++)
            Assert.AreEqual(255, AffineWarpTests.Px(crop, x, y, 1), $"({x},{y})");

        // Non-square image: side = min(W, H) * fraction, centred.
        var wide = new RgbImage(300, 100);
        DrawDot(wide, new PointF(149.5f, 49.5f), 3);
        var crop2 = new FaceAligner(FaceTemplate.Standard(50)).CenterCrop(wide, 1f);
        var c = BrightCentroid(crop2, new PointF(24.5f, 24.5f), window: 6);
        Assert.AreEqual(24.5f, c.X, 0.5f);
        Assert.AreEqual(24.5f, c.Y, 0.5f);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FaceAligner(FaceTemplate.Standard112).CenterCrop(image, 0));
    }

    /// <summary>Anti-aliased white disc (coverage by 4x4 supersampling).</summary>
    private static void DrawDot(RgbImage image, PointF centre, float radius)
    {
        for (var y = (int)(centre.Y - radius - 2); y <= (int)(centre.Y + radius + 2); y++)
        for (var x = (int)(centre.X - radius - 2); x <= (int)(centre.X + radius + 2); x++)
        {
            if (x < 0 || y < 0 || x >= image.Width || y >= image.Height)
                continue;
            var hits = 0;
            for (var sy = 0; sy < 4; sy++)
            for (var sx = 0; sx < 4; sx++)
            {
                float dx = x - 0.375f + sx * 0.25f - centre.X, dy = y - 0.375f + sy * 0.25f - centre.Y;
                if (dx * dx + dy * dy <= radius * radius)
                    hits++;
            }
            var v = (byte)Math.Min(255, image.Pixels[(y * image.Width + x) * 3] + hits * 255 / 16);
            image.Pixels[(y * image.Width + x) * 3] = image.Pixels[(y * image.Width + x) * 3 + 1] = image.Pixels[(y * image.Width + x) * 3 + 2] = v;
        }
    }

    /// <summary>Brightness-weighted centroid of the pixels within <paramref name="window"/> of a point.</summary>
    private static PointF BrightCentroid(RgbImage image, PointF near, int window)
    {
        double sum = 0, sx = 0, sy = 0;
        for (var y = (int)near.Y - window; y <= (int)near.Y + window; y++)
        for (var x = (int)near.X - window; x <= (int)near.X + window; x++)
        {
            if (x < 0 || y < 0 || x >= image.Width || y >= image.Height)
                continue;
            double v = AffineWarpTests.Px(image, x, y, 0);
            sum += v;
            sx += v * x;
            sy += v * y;
        }
        Assert.IsGreaterThan(0.0, sum, $"no bright pixels near {near}");
        return new PointF((float)(sx / sum), (float)(sy / sum));
    }
}
