using System.Drawing;
using FaceNetML.Detection;
using FaceNetML.Imaging;

namespace FaceNetML.Tests.Detection;

/// <summary>Photos over <see cref="MtcnnOptions.MaxDetectionPixels"/> are searched on a downscaled copy; boxes and
/// landmarks come back in the photo's pixels.</summary>
[TestClass]
public sealed class DetectionCopyTests
{
    [TestMethod]
    public void FacesFoundOnTheCopyLandWhereTheFullResolutionRunPutsThem()
    {
        var image = ImageDecoder.Decode(TestData.Photo("two_people.jpg"));
        using var full = MtcnnDetector.CreateDefault(new MtcnnOptions { MinFaceSize = 40 });
        long quarter = (long)image.Width * image.Height / 4;
        using var copy = MtcnnDetector.CreateDefault(new MtcnnOptions { MinFaceSize = 40, MaxDetectionPixels = quarter });

        Assert.AreEqual(image.Width / 2, copy.DetectionCopy(image).Width, 1, "the copy holds a quarter of the pixels");
        Assert.AreSame(image, full.DetectionCopy(image), "an image within the budget is searched as it is");
        var expected = full.Detect(image);
        var found = copy.Detect(image);
        Assert.AreEqual(2, expected.Count);
        Assert.AreEqual(expected.Count, found.Count);
        for (int i = 0; i < found.Count; i++)
        {
            var (a, b) = (found[i].Box, expected[i].Box);
            var inter = RectangleF.Intersect(a, b);
            double iou = inter.Width * inter.Height / (a.Width * a.Height + b.Width * b.Height - inter.Width * inter.Height);
            Assert.IsTrue(iou > 0.85, $"face {i}: {a} vs {b}");
            for (int j = 0; j < 5; j++)
            {
                var (p, q) = (found[i].Landmarks![j], expected[i].Landmarks![j]);
                Assert.IsTrue(MathF.Abs(p.X - q.X) < 0.08f * b.Width && MathF.Abs(p.Y - q.Y) < 0.08f * b.Height, $"face {i} landmark {j}: {p} vs {q}");
            }
        }
    }

    [TestMethod]
    public void MinFaceBelowTheDetectorWindowIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MtcnnOptions { MinFaceSize = MtcnnOptions.SmallestMinFaceSize - 1 }.Validate());
        Assert.AreEqual("MinFaceSize", e.ParamName);
        new MtcnnOptions { MinFaceSize = MtcnnOptions.SmallestMinFaceSize }.Validate();
    }
}
