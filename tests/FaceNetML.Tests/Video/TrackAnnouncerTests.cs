using System.Drawing;
using FaceNetML.Imaging;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>How tracks become <c>appeared</c> and <c>left</c> events, frame by frame, on a real photo (for the crops).</summary>
[TestClass]
public sealed class TrackAnnouncerTests
{
    private static readonly RectangleF Face = new(365.2f, 83.4f, 245f, 333.4f); // Obama's face in obama.jpg

    private static VideoDetection Seen(int track, string? person, float confidence, RectangleF box, bool detected = true) =>
        new(0, person, box, 0.5f, track, detected, new Identification(person, confidence, 0.5f, "Barack Obama", null, float.PositiveInfinity));

    [TestMethod]
    public void ANamedTrackAppearsOnce_WithItsCrop_AndLeavesWithItsBestConfidence()
    {
        var frame = ImageDecoder.Decode(File.ReadAllBytes(TestData.Photo("obama.jpg")), "obama.jpg");
        var crops = TestData.TempDir("announcer");
        var events = new List<StreamEvent>();
        var announcer = new TrackAnnouncer("hall", crops, unknownAfter: 3, events.Add);
        announcer.Observe(frame, 0.1, [Seen(1, null, 0.2f, Face)], [1]);
        Assert.IsEmpty(events, "not named yet, and not seen often enough to be unknown");
        announcer.Observe(frame, 0.2, [Seen(1, "Barack Obama", 0.8f, Face)], [1]);
        announcer.Observe(frame, 0.3, [Seen(1, "Barack Obama", 0.95f, Face)], [1]);
        announcer.Observe(frame, 0.4, [Seen(1, "Barack Obama", 0.9f, Face, detected: false)], [1]);
        var appeared = events.Single();
        Assert.AreEqual((StreamEventKind.Appeared, "hall", 1, "Barack Obama", 0.8f, 0.2), (appeared.Kind, appeared.Stream, appeared.Track, appeared.Person, appeared.Confidence, appeared.StreamSeconds));
        Assert.AreEqual(Face, appeared.Box);
        var crop = ImageDecoder.Decode(File.ReadAllBytes(appeared.Crop!), appeared.Crop!);
        Assert.AreEqual(TrackAnnouncer.MaxCropSide, Math.Max(crop.Width, crop.Height), "a large face is scaled down");

        announcer.Observe(frame, 0.5, [], []); // the tracker dropped it
        var left = events[1];
        Assert.AreEqual((StreamEventKind.Left, 1, "Barack Obama", 0.95f, 0.5, appeared.Crop), (left.Kind, left.Track, left.Person, left.Confidence, left.StreamSeconds, left.Crop));
        Assert.AreEqual(0, announcer.OpenTracks);
        Directory.Delete(crops, true);
    }

    [TestMethod]
    public void AnUnnamedTrackAppearsAsUnknown_ThenAgainWhenNamed_AndANoiseTrackLeavesSilently()
    {
        var frame = new RgbImage(640, 480);
        var events = new List<StreamEvent>();
        var announcer = new TrackAnnouncer("door", null, unknownAfter: 3, events.Add);
        var box = new RectangleF(100, 100, 50, 60);
        announcer.Observe(frame, 0, [Seen(7, null, 0.3f, box), Seen(8, null, 0.1f, box)], [7, 8]);
        announcer.Observe(frame, 1, [Seen(7, null, 0.3f, box), Seen(8, null, 0.1f, box)], [7, 8]);
        announcer.Observe(frame, 2, [Seen(7, null, 0.3f, box)], [7]);
        // Track 8 was dropped after two detections: it never appeared, so nothing says it left.
        var unknown = events.Single();
        Assert.AreEqual((StreamEventKind.Appeared, 7, (string?)null, (string?)null), (unknown.Kind, unknown.Track, unknown.Person, unknown.Crop));
        announcer.Observe(frame, 3, [Seen(7, "Ann", 0.9f, box)], [7]);
        announcer.Observe(frame, 4, [Seen(7, "Ann", 0.97f, box)], [7]);
        Assert.HasCount(2, events);
        Assert.AreEqual((StreamEventKind.Appeared, "Ann"), (events[1].Kind, events[1].Person));
        announcer.EndAll(5);
        Assert.AreEqual((StreamEventKind.Left, 7, "Ann", 0.97f), (events[2].Kind, events[2].Track, events[2].Person, events[2].Confidence));
        Assert.HasCount(3, events);
    }
}
