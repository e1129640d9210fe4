using System.Drawing;
using FaceNetML.Cli;
using FaceNetML.Imaging;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>
/// The memory budget of <c>detect</c>, measured as the peak RSS of the real program: a decompression bomb is refused
/// from its header, and a 24-megapixel photo is searched on a downscaled copy. Wall-clock time is not asserted
/// (the machine may be busy); docs/benchmarks.md gives the measured figures.
/// </summary>
[TestClass]
public sealed class HostileMemoryTests
{
    private const long MiB = 1 << 20;

    [TestMethod]
    public void A16384SquarePngIsRefusedFromItsHeaderUnder300MB()
    {
        var m = MeasuredProcess.Run(CliRunner.StartInfo("detect", HostileFiles.Bomb, "--json"), TimeSpan.FromMinutes(5));
        CleanFailure.Assert(new CliRunner.Result(m.ExitCode, m.Stdout, m.Stderr), 2, "16384x16384");
        Assert.IsTrue(m.PeakRssBytes > 0, "the peak was read");
        Assert.IsTrue(m.PeakRssBytes < 300 * MiB, $"peak RSS {m.PeakRssBytes / MiB} MB");
    }

    [TestMethod]
    public void A24MegapixelPhotoFindsTheSameFacesWithin1500MB()
    {
        var photo = ImageDecoder.Decode(TestData.Photo("two_people.jpg"));
        double s = Math.Sqrt(24e6 / (photo.Width * photo.Height));
        int w = (int)(photo.Width * s), h = (int)(photo.Height * s);
        var big = Path.Combine(TestData.TempDir("hostile-24mp"), "two_people-24mp.jpg");
        ImageEncoder.SaveJpeg(AffineWarp.Resize(photo, w, h), big);

        var m = MeasuredProcess.Run(CliRunner.StartInfo("detect", big, "--min-face", "12", "--json"), TimeSpan.FromMinutes(5));
        Assert.AreEqual(0, m.ExitCode, m.Stderr);
        Assert.IsTrue(m.PeakRssBytes > 0 && m.PeakRssBytes <= 1500 * MiB, $"peak RSS {m.PeakRssBytes / MiB} MB");

        // The same two faces as on the photo itself, scaled up: the copy's boxes are mapped back to full resolution.
        var small = CleanFailure.Answer(CliRunner.Run("detect", TestData.Photo("two_people.jpg"), "--min-face", "12", "--json"));
        var expected = Boxes(small).Select(b => new RectangleF(b.X * w / photo.Width, b.Y * h / photo.Height, b.Width * w / photo.Width, b.Height * h / photo.Height)).ToList();
        var found = Boxes(CleanFailure.Answer(new CliRunner.Result(m.ExitCode, m.Stdout, m.Stderr)));
        Assert.AreEqual(2, expected.Count);
        Assert.AreEqual(expected.Count, found.Count, m.Stdout);
        for (int i = 0; i < found.Count; i++)
            Assert.IsTrue(Iou(found[i], expected[i]) > 0.85, $"face {i}: {found[i]} vs {expected[i]}");
    }

    private static List<RectangleF> Boxes(System.Text.Json.JsonElement answer) => answer.GetProperty("faces").EnumerateArray()
        .Select(f => f.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray())
        .Select(b => new RectangleF(b[0], b[1], b[2], b[3])).ToList();

    private static double Iou(RectangleF a, RectangleF b)
    {
        var i = RectangleF.Intersect(a, b);
        double inter = i.IsEmpty ? 0 : i.Width * i.Height;
        return inter / (a.Width * a.Height + b.Width * b.Height - inter);
    }
}
