using System.Drawing;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

[TestClass]
public sealed class FaceTrackerTests
{
    private static float[] E(params float[] v)
    {
        var n = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / n).ToArray();
    }

    private static FaceObservation O(float x, float y, float[] e, string? person = null) =>
        new(new RectangleF(x, y, 40, 40), new FaceProbe(e), new Identification(person, 1, person is null ? 1.3f : 0.5f, person, null, float.PositiveInfinity));

    [TestMethod]
    public void Update_KeepsIdsByOverlap_AndNamesTracksFromTheEvidenceOfTheirFrames()
    {
        var gallery = new Gallery("m", 1.1f);
        gallery.Add("Ann", E(1, 0, 0));
        gallery.Add("Bob", E(0, 1, 0));
        var tracker = new FaceTracker(gallery, new FaceTrackerOptions { MinHitsToName = 2 });

        var first = tracker.Update(0, [O(0, 0, E(1, 0.1f, 0)), O(200, 0, E(0.1f, 1, 0))]);
        Assert.HasCount(2, first);
        Assert.IsTrue(first.All(t => t.Person is null), "a track needs two observations before it is named");
        int annId = first[0].Id, bobId = first[1].Id;

        // Carried frames keep the boxes (no motion seen yet).
        var carried = tracker.Carry(1);
        Assert.HasCount(2, carried);
        Assert.IsTrue(carried.All(t => !t.DetectedNow));

        // Both moved a little; detections come in the other order.
        var second = tracker.Update(2, [O(206, 2, E(0, 1, 0.2f)), O(5, 3, E(1, 0, 0.2f))]);
        Assert.AreEqual("Ann", second.Single(t => t.Id == annId).Person);
        Assert.AreEqual("Bob", second.Single(t => t.Id == bobId).Person);
        Assert.AreEqual(new RectangleF(5, 3, 40, 40), second.Single(t => t.Id == annId).Box);

        // Motion is extrapolated on carried frames: Ann moved (5, 3) in 2 frames.
        var third = tracker.Carry(3);
        var ann = third.Single(t => t.Id == annId);
        Assert.AreEqual(7.5f, ann.Box.X, 1e-4f);
        Assert.AreEqual(4.5f, ann.Box.Y, 1e-4f);
    }

    [TestMethod]
    public void Update_DifferentLookingFaceOnTheSameSpot_StartsANewTrack_AndMissedTracksEnd()
    {
        var tracker = new FaceTracker(1.1f, new FaceTrackerOptions { MaxMissedDetections = 1 });
        int id = tracker.Update(0, [O(0, 0, E(1, 0, 0), "Ann")])[0].Id;
        var swapped = tracker.Update(1, [O(0, 0, E(-1, 0, 0), "Bob")]);
        Assert.AreNotEqual(id, swapped.Single().Id, "an embedding 2 apart must not join the track");
        Assert.HasCount(2, tracker.Tracks); // Ann's track missed once, still alive but not visible
        tracker.Update(2, []);
        tracker.Update(3, []);
        Assert.HasCount(0, tracker.Tracks);
    }

    [TestMethod]
    public void Vote_WithoutGallery_OneOddFrameDoesNotFlipTheName()
    {
        var tracker = new FaceTracker(1.1f, new FaceTrackerOptions { MinHitsToName = 1 });
        for (int f = 0; f < 4; f++) tracker.Update(f, [O(f, 0, E(1, 0, 0), "Ann")]);
        var odd = tracker.Update(4, [O(4, 0, E(1, 0, 0), "Bob")]);
        Assert.AreEqual("Ann", odd.Single().Person);
    }

    [TestMethod]
    public void Update_DistancesScaleWithTheModelsThreshold()
    {
        // Two faces on the same spot 0.72 apart: the same face on MobileFaceNet's scale (threshold 1.1), two people on a
        // model whose verification threshold is 0.43 (dlib-resnet).
        var a = E(1, 0, 0);
        var b = E(1, 0.9f, 0);
        float d = FaceNetML.Verification.EmbeddingDistance.Euclidean(a, b);
        Assert.IsTrue(d is > 0.6f and < 1.2f, $"test distance {d}");
        var wide = new FaceTracker(1.1f);
        int id = wide.Update(0, [O(0, 0, a)])[0].Id;
        Assert.AreEqual(id, wide.Update(1, [O(0, 0, b)]).Single().Id);
        var narrow = new FaceTracker(0.43f);
        id = narrow.Update(0, [O(0, 0, a)])[0].Id;
        Assert.AreNotEqual(id, narrow.Update(1, [O(0, 0, b)]).Single().Id);
    }
}
