using System.Drawing;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>The person segments of a video's detections: split where a person is missing longer than the gap, times in
/// seconds from frames, the best face a detector box of the segment.</summary>
[TestClass]
public sealed class PersonSegmentBuilderTests
{
    private static VideoDetection Named(int frame, string person, float confidence, bool detected = true) =>
        new(frame, person, new RectangleF(frame, 10, 40, 50), 0.5f, 1, detected,
            new Identification(person, confidence, 0.5f, person, null, float.NaN));

    [TestMethod]
    public void SegmentsSplitAtGapsLongerThanTheLimit_AndTimesFollowTheFrameRate()
    {
        var detections = new List<VideoDetection>();
        for (int f = 0; f < 10; f++) detections.Add(Named(f, "Ann", 0.6f + f / 100f));
        // Ann missing for frames 10-14 (5 frames, within the gap of 5): one segment; then 20 frames missing: a new one.
        for (int f = 15; f < 20; f++) detections.Add(Named(f, "Ann", 0.5f));
        for (int f = 40; f < 45; f++) detections.Add(Named(f, "Ann", 0.7f));
        detections.Add(Named(3, "Bob", 0.9f));
        detections.Add(new VideoDetection(5, null, new RectangleF(0, 0, 10, 10), 1.4f, 2));

        var segments = PersonSegmentBuilder.From(detections, 10, 5);
        Assert.HasCount(3, segments);
        var (first, bob, second) = (segments[0], segments[1], segments[2]);
        Assert.AreEqual(("Ann", 0, 19), (first.Person, first.FirstFrame, first.LastFrame));
        Assert.AreEqual(0.0, first.Start, 1e-9);
        Assert.AreEqual(2.0, first.End, 1e-9);
        Assert.AreEqual(0.69f, first.BestConfidence, 1e-6f);
        Assert.AreEqual(9, first.BestFrame);
        Assert.AreEqual(("Bob", 3, 3), (bob.Person, bob.FirstFrame, bob.LastFrame));
        Assert.AreEqual((0.3, 0.4), (bob.Start, bob.End));
        Assert.AreEqual(("Ann", 40, 44), (second.Person, second.FirstFrame, second.LastFrame));
    }

    [TestMethod]
    public void TheBestFaceIsADetectorBox_AndAddSaysWhenItChanges()
    {
        var builder = new PersonSegmentBuilder(25, 25);
        Assert.HasCount(1, builder.Add(0, [Named(0, "Ann", 0.6f)]));
        // A carried box (no detector run on this frame) never becomes the best face, however confident.
        Assert.IsEmpty(builder.Add(1, [Named(1, "Ann", 0.99f, detected: false)]));
        Assert.IsEmpty(builder.Add(2, [Named(2, "Ann", 0.5f)]));
        var better = builder.Add(3, [Named(3, "Ann", 0.8f)]);
        Assert.HasCount(1, better);
        Assert.AreEqual((0, 3), (better[0].Segment, better[0].Detection.Frame));
        var segment = builder.Segments.Single();
        Assert.AreEqual((3, 0.8f, 3f), (segment.BestFrame, segment.BestConfidence, segment.BestBox.X));
        Assert.AreEqual(4 / 25.0, segment.End, 1e-9);
    }
}
